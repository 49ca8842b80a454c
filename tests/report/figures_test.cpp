// Report figures: their JSON form, placeholders resolved by a renderer (a stand-in shell script,
// then the real matplotlib renderer), and the language section's figures from fixture files in
// the saturation analyses' schema (docs/results-schema.md).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/plot.h"
#include "harness/report.h"
#include "harness/task_file.h"

namespace saturn {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name) : path(fs::temp_directory_path() / ("saturn_report_" + name)) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

Figure line_figure(const std::string& name) {
  Panel p;
  p.title = "t";
  Series s;
  s.label = "s";
  s.x = {1, 2, 3};
  s.y = {0.5, std::nan(""), 1.0};
  p.series.push_back(s);
  return one_panel(name, p);
}

// The names of the figures in a section's placeholders, in order.
std::vector<std::string> figure_names(const std::string& html) {
  std::vector<std::string> names;
  for (std::size_t i = html.find('\x1e'); i != std::string::npos; i = html.find('\x1e', html.find('\x1e', i + 1) + 1)) {
    const auto end = html.find('\x1e', i + 1);
    names.push_back(nlohmann::json::parse(html.substr(i + 1, end - i - 1))["name"]);
  }
  return names;
}

nlohmann::json figure_named(const std::string& html, const std::string& name) {
  for (std::size_t i = html.find('\x1e'); i != std::string::npos; i = html.find('\x1e', html.find('\x1e', i + 1) + 1)) {
    const auto end = html.find('\x1e', i + 1);
    auto j = nlohmann::json::parse(html.substr(i + 1, end - i - 1));
    if (j["name"] == name) return j;
  }
  return nullptr;
}

TEST(Figures, JsonHasNullForMissingValuesAndStemsAreFileNames) {
  const auto j = figure_json(line_figure("a"));
  EXPECT_EQ(j["panels"][0]["series"][0]["y"], nlohmann::json::parse("[0.5, null, 1.0]"));
  EXPECT_EQ(j["panels"][0]["series"][0]["style"], "line_points");
  EXPECT_FALSE(j["panels"][0]["series"][0].contains("y_low"));
  EXPECT_EQ(figure_stem("dyck1/model.layer_norm=none,seed=1"), "dyck1-model-layer_norm-none-seed-1");
  EXPECT_EQ(figure_stem("///"), "figure");
  EXPECT_TRUE(has_data(line_figure("a")));
  Figure empty = line_figure("b");
  empty.panels[0].series[0].y = {std::nan(""), std::nan(""), std::nan("")};
  EXPECT_FALSE(has_data(empty));
  EXPECT_EQ(html_figure(empty), "");
}

TEST(Figures, CsvRecordsReadQuotedFields) {
  TempDir dir("csv");
  write(dir.path / "a.csv", "run,x,note\n\"t/a=1,b=2\",0.5,\"say \"\"hi\"\"\"\nu,,\n");
  const auto recs = read_csv_records(dir.path / "a.csv");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].at("run"), "t/a=1,b=2");
  EXPECT_EQ(recs[0].at("x"), "0.5");
  EXPECT_EQ(recs[0].at("note"), "say \"hi\"");
  EXPECT_EQ(recs[1].at("x"), "");
  EXPECT_TRUE(read_csv_records(dir.path / "missing.csv").empty());
}

// A stand-in renderer: writes "PNG-NAME" and "PDF" for every figure name in figures.json.
FigureRenderer fake_renderer(const fs::path& dir, const std::string& body) {
  write(dir / "fake.sh", body);
  return {"/bin/sh", dir / "fake.sh", true};
}

TEST(Figures, PlaceholdersBecomeEmbeddedPngsWithLinks) {
  TempDir dir("resolve");
  const auto r = fake_renderer(dir.path, "for n in $(grep -o '\"name\": \"[^\"]*\"' \"$1\" | sed 's/.*: \"//; s/\"$//'); do\n"
                                         "  printf 'PNG-%s' \"$n\" > \"$2/$n.png\"; printf PDF > \"$2/$n.pdf\"; done\n");
  const std::string html = "<p>a</p>" + html_figure(line_figure("x/y"), "cap <1>") + "<p>b</p>" + html_figure(line_figure("x/y"));
  std::string problem;
  const auto page = resolve_figures(html, dir.path / "figures", r, problem);
  EXPECT_EQ(problem, "");
  EXPECT_EQ(page.find('\x1e'), std::string::npos);
  // base64("PNG-x-y") = UE5HLXgteQ==, base64("PNG-x-y-2") = UE5HLXgteS0y: names made unique.
  EXPECT_NE(page.find("<p>a</p><figure class=\"plot\"><img src=\"data:image/png;base64,UE5HLXgteQ==\" alt=\"x-y\">"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("<a href=\"figures/x-y.pdf\">PDF</a>"), std::string::npos) << page;
  EXPECT_NE(page.find("<figcaption>cap &lt;1&gt;</figcaption></figure>\n<p>b</p>"), std::string::npos) << page;
  EXPECT_NE(page.find("base64,UE5HLXgteS0y"), std::string::npos) << page;
  const auto spec = nlohmann::json::parse(read(dir.path / "figures" / "figures.json"));
  ASSERT_EQ(spec["figures"].size(), 2u);
  EXPECT_EQ(spec["figures"][1]["name"], "x-y-2");
  // No figures: the page is returned as it is and nothing is run.
  EXPECT_EQ(resolve_figures("<p>plain</p>", dir.path / "none", r, problem), "<p>plain</p>");
  EXPECT_FALSE(fs::exists(dir.path / "none"));
}

TEST(Figures, WithoutARendererThePageSaysWhy) {
  TempDir dir("broken");
  const std::string html = html_figure(line_figure("a")) + html_figure(line_figure("b"));
  std::string problem;
  // The renderer fails on one figure: a note there, the other embedded, one problem line.
  auto r = fake_renderer(dir.path, "printf PNG > \"$2/b.png\"; echo 'figure a: ValueError: broken' >&2; exit 1\n");
  auto page = resolve_figures(html, dir.path / "f1", r, problem);
  EXPECT_NE(page.find("(figure a not drawn: figure a: ValueError: broken)"), std::string::npos) << page;
  EXPECT_NE(page.find("base64,UE5H"), std::string::npos) << page;
  EXPECT_NE(problem.find("broken"), std::string::npos) << problem;
  // Drawing turned off.
  r.enabled = false;
  page = resolve_figures(html, dir.path / "f2", r, problem);
  EXPECT_EQ(problem, "figures not drawn (SATURN_REPORT_FIGURES=0)");
  EXPECT_NE(page.find("(figure a not drawn: figures not drawn (SATURN_REPORT_FIGURES=0))"), std::string::npos) << page;
  // A missing script (e.g. a moved source tree).
  r = {"/bin/sh", dir.path / "nope.py", true};
  resolve_figures(html, dir.path / "f3", r, problem);
  EXPECT_NE(problem.find("nope.py is missing"), std::string::npos) << problem;
  // An interpreter without matplotlib: the real renderer exits 3 with one line (simulated with a python that fails to import).
  r = fake_renderer(dir.path, "echo 'matplotlib is not installed for /x/python3 (No module named matplotlib)' >&2; exit 3\n");
  page = resolve_figures(html, dir.path / "f4", r, problem);
  EXPECT_NE(problem.find("matplotlib is not installed"), std::string::npos) << problem;
}

const char* kFile = R"(tasks:
  lang:
    language: dyck:k=1
    train: {lengths: 2..8, size: 20}
    test: {bins: [10..12, 14..16], size: 10}
    model: {d_model: 8, n_heads: 2, d_ff: 8}
suites:
  s: [lang]
)";

// A language run folder with the saturation analyses' files and `norm_points` parameter norms.
RunRecord fixture_run(const RunPoint* p, const fs::path& dir, int norm_points) {
  write(dir / "robustness.csv",
        "family,scale,bin_min,bin_max,accuracy,n\n"
        "scaled,1,10,12,0.9,10\nscaled,16,10,12,0.7,10\nscaled,1,14,16,0.8,10\nscaled,16,14,16,0.5,10\n"
        "temperature,1,10,12,0.9,10\ntemperature,1024,10,12,0.6,10\n");
  write(dir / "heads.csv",
        "layer,head,ablation,bin_min,bin_max,accuracy\n"
        "0,0,saturate_one,10,12,0.9\n0,1,saturate_one,10,12,0.4\n0,0,softmax_one,10,12,0.5\n0,1,softmax_one,10,12,0.8\n");
  write(dir / "score_gaps.csv",
        "layer,head,same_token,gap_lo,gap_hi,count\n"
        "0,0,1,0,0.01,30\n0,0,0,0,0.01,2\n0,0,0,0.01,1,12\n0,1,0,0,0.01,40\n");
  write(dir / "attention.json",
        R"J({"strings":[{"text":"()","mode":"softmax","weights":[[[[1,0,0],[0.5,0.5,0],[0.2,0.3,0.5]],)J"
        R"J([[1,0,0],[0.9,0.1,0],[0.1,0.1,0.8]]]]}]})J");
  std::string metrics;
  for (int k = 1; k <= norm_points; ++k)
    metrics += nlohmann::json{{"step", 10 * k}, {"loss", 1.0 / k}, {"accuracy", 0.5}, {"param_norm", 20 + std::sqrt(k)}}.dump() + "\n";
  metrics += R"({"step":100,"eval":{"train":{"loss":0.2,"accuracy":0.9,"strings":20}}})" "\n";
  write(dir / "metrics.jsonl", metrics);
  RunRecord r;
  r.point = p;
  r.dir = dir;
  r.summary = {{"kind", "language"},
               {"rows", {{{"mode", "softmax"}, {"bin", "train"}, {"strings", 20}, {"accuracy", 0.75}},
                         {{"mode", "softmax"}, {"bin", "test_10..12"}, {"strings", 10}, {"accuracy", 0.5}},
                         {{"mode", "saturated"}, {"bin", "train"}, {"strings", 20}, {"accuracy", 0.25}},
                         {{"mode", "saturated"}, {"bin", "test_10..12"}, {"strings", 10}, {"accuracy", 0.125}}}},
               {"scalars", {{"final_loss", 0.25}, {"initial_param_norm", 20.0}}},
               {"result",
                {{"norm_fit", {{"a", 20.0}, {"gamma", 0.01}, {"gamma_low", 0.005}, {"gamma_high", 0.015}, {"points", norm_points}}},
                 {"heads", {{{"layer", 0}, {"head", 0}, {"kind", "local"}, {"mean_support", 1.5}, {"mean_entropy", 0.3},
                             {"support_histogram", {0, 10, 5, 1}}}}}}}};
  return r;
}

TEST(LanguageSection, DrawsTheSaturationAnalysesFiles) {
  const auto file = parse_task_file(kFile, "t.yaml");
  TempDir dir("language");
  const auto r = fixture_run(file.runs("s")[0], dir.path, 5);
  const std::string h = report_sections({r});
  const auto names = figure_names(h);
  for (const char* name : {"language-accuracy-vs-length-lang", "language-training-lang", "language-norm-lang",
                           "language-robustness-lang", "language-heads-lang", "language-score-gaps-lang",
                           "language-attention-lang-1", "language-support-lang"})
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  // Accuracy vs length: a line per mode at the bins' midpoints (train 2..8 -> 5, 10..12 -> 11).
  const auto acc = figure_named(h, "language-accuracy-vs-length-lang");
  ASSERT_EQ(acc["panels"][0]["series"].size(), 2u);
  EXPECT_EQ(acc["panels"][0]["series"][1]["label"], "saturated");
  EXPECT_EQ(acc["panels"][0]["series"][1]["x"], nlohmann::json::parse("[5.0, 11.0]"));
  EXPECT_EQ(acc["panels"][0]["series"][1]["y"], nlohmann::json::parse("[0.25, 0.125]"));
  // Five norm points: no fit drawn, and the figure says so.
  const auto norm = figure_named(h, "language-norm-lang");
  EXPECT_EQ(norm["panels"][0]["series"].size(), 1u);
  EXPECT_EQ(norm["panels"][0]["note"], "no power-law fit: 5 points (at least 10 needed)");
  // Robustness: a panel per family, a line per bin.
  const auto rob = figure_named(h, "language-robustness-lang");
  ASSERT_EQ(rob["panels"].size(), 2u);
  ASSERT_EQ(rob["panels"][0]["series"].size(), 2u);
  EXPECT_EQ(rob["panels"][0]["series"][1]["label"], "lengths 14..16");
  EXPECT_EQ(rob["panels"][0]["series"][1]["y"], nlohmann::json::parse("[0.8, 0.5]"));
  EXPECT_TRUE(rob["panels"][0]["logx"].get<bool>());
  // Heads: bars per head for each ablation.
  const auto heads = figure_named(h, "language-heads-lang");
  EXPECT_EQ(heads["panels"][0]["xticklabels"], nlohmann::json::parse(R"(["L0 H0", "L0 H1"])"));
  EXPECT_EQ(heads["panels"][1]["series"][0]["y"], nlohmann::json::parse("[0.5, 0.8]"));
  EXPECT_EQ(heads["panels"][0]["series"][0]["style"], "bars");
  // Score gaps: a histogram (bars with edges) per head, same vs different token.
  const auto gaps = figure_named(h, "language-score-gaps-lang");
  ASSERT_EQ(gaps["panels"].size(), 2u);
  EXPECT_EQ(gaps["panels"][0]["series"][0]["x_high"], nlohmann::json::parse("[0.01, 1.0]"));
  EXPECT_EQ(gaps["panels"][0]["series"][1]["y"], nlohmann::json::parse("[30.0]"));
  // Attention: a heat map per head, rows and columns labelled by token with the leading <bos>.
  const auto att = figure_named(h, "language-attention-lang-1");
  ASSERT_EQ(att["panels"].size(), 2u);
  EXPECT_EQ(att["panels"][1]["heatmap"]["rows"], nlohmann::json::parse(R"J(["<bos>", "(", ")"])J"));
  EXPECT_EQ(att["panels"][1]["heatmap"]["values"][2], nlohmann::json::parse("[0.1, 0.1, 0.8]"));
  // Support sizes as bars (sizes 1..3).
  const auto support = figure_named(h, "language-support-lang");
  EXPECT_EQ(support["panels"][0]["series"][0]["y"], nlohmann::json::parse("[10.0, 5.0, 1.0]"));
  EXPECT_EQ(support["panels"][0]["xticklabels"], nlohmann::json::parse(R"(["1", "2", "3"])"));
}

TEST(LanguageSection, FitsAPowerLawOnlyOverTenPointsOrMore) {
  const auto file = parse_task_file(kFile, "t.yaml");
  TempDir dir("fit");
  const auto h = report_sections({fixture_run(file.runs("s")[0], dir.path, 12)});
  const auto norm = figure_named(h, "language-norm-lang");
  ASSERT_EQ(norm["panels"][0]["series"].size(), 2u);
  EXPECT_EQ(norm["panels"][0]["note"], "");
  const auto& fit = norm["panels"][0]["series"][1];
  ASSERT_EQ(fit["y"].size(), 12u);
  EXPECT_NEAR(fit["y"][0].get<double>(), 20.0 * std::pow(10.0, 0.01), 1e-9);
  // The interval's band contains the fitted line and pivots inside the range.
  for (std::size_t i = 0; i < 12; ++i) {
    EXPECT_LE(fit["y_low"][i].get<double>(), fit["y"][i].get<double>() + 1e-12);
    EXPECT_GE(fit["y_high"][i].get<double>(), fit["y"][i].get<double>() - 1e-12);
  }
  EXPECT_GT(fit["y_high"][0].get<double>() - fit["y_low"][0].get<double>(), 0.0);
}

TEST(LanguageSection, RendersWithMatplotlibAsPngAndPdf) {
  const auto file = parse_task_file(kFile, "t.yaml");
  TempDir dir("render");
  fs::create_directories(dir.path / "lang");
  const auto r = fixture_run(file.runs("s")[0], dir.path / "lang", 12);
  auto renderer = figure_renderer_from_environment();
  renderer.enabled = true;
  const auto problem = write_report("s", {r}, dir.path, renderer);
  EXPECT_EQ(problem, "") << read(dir.path / "figures" / "render.log");
  const auto spec = nlohmann::json::parse(read(dir.path / "figures" / "figures.json"));
  ASSERT_GE(spec["figures"].size(), 8u);
  for (const auto& f : spec["figures"]) {
    const std::string name = f["name"];
    EXPECT_EQ(read(dir.path / "figures" / (name + ".png")).substr(0, 4), "\x89PNG") << name;
    EXPECT_EQ(read(dir.path / "figures" / (name + ".pdf")).substr(0, 4), "%PDF") << name;
  }
  const auto html = read(dir.path / "report.html");
  EXPECT_NE(html.find("data:image/png;base64,iVBORw0KGgo"), std::string::npos);
  EXPECT_EQ(html.find("not drawn"), std::string::npos);
}

}  // namespace
}  // namespace saturn
