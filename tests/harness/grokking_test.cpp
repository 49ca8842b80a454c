// The grokking kind: modular-addition split, feature compressibility on known spectra, the
// first step reaching a threshold, the parser's located errors, and tiny runs that are bitwise
// identical with 1 and 2 threads and after a resume from a killed run's checkpoint.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/rng.h"
#include "harness/task_kind.h"
#include "harness/kinds/grokking/modular_addition.h"
#include "harness/kinds/grokking/spec.h"
#include "harness/report.h"
#include "harness/task_file.h"
#include "tests/harness/task_file_problems.h"

namespace saturn {
namespace {

namespace fs = std::filesystem;

TEST(ModularSplit, DisjointCompleteAndSizedLikeThePaper) {
  const auto s = modular_addition_split(113, 0.3, 456);
  EXPECT_EQ(s.train.size(), 3831u);
  EXPECT_EQ(s.test.size(), 8938u);
  std::set<std::pair<int, int>> train(s.train.begin(), s.train.end()), all(train);
  EXPECT_EQ(train.size(), s.train.size());
  for (const auto& p : s.test) {
    EXPECT_EQ(train.count(p), 0u);
    all.insert(p);
  }
  EXPECT_EQ(all.size(), 113u * 113u);
  for (const auto& [a, b] : all) {
    EXPECT_GE(a, 0);
    EXPECT_LT(b, 113);
  }
}

TEST(ModularSplit, DeterministicBySeedAndFraction) {
  const auto a = modular_addition_split(23, 0.3, 1), b = modular_addition_split(23, 0.3, 1), c = modular_addition_split(23, 0.3, 2);
  EXPECT_EQ(a.train, b.train);
  EXPECT_EQ(a.test, b.test);
  EXPECT_NE(a.train, c.train);
  EXPECT_EQ(a.train.size(), 529u - 370u);  // floor(0.7 * 529) = 370 test pairs
  EXPECT_EQ(modular_addition_split(23, 0.5, 1).train.size(), 529u - 264u);
  EXPECT_THROW(modular_addition_split(1, 0.3, 1), Error);
  EXPECT_THROW(modular_addition_split(5, 1.0, 1), Error);
  EXPECT_THROW(modular_addition_split(5, 0.0, 1), Error);
}

// A random orthogonal matrix (Householder QR of a Gaussian one).
Eigen::MatrixXd random_orthogonal(int d, std::uint64_t seed) {
  Rng rng(seed);
  Eigen::MatrixXd g(d, d);
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < d; ++j) g(i, j) = rng.normal();
  return Eigen::HouseholderQR<Eigen::MatrixXd>(g).householderQ();
}

TEST(Compressibility, KnownSpectra) {
  const int d = 8;
  const auto q = random_orthogonal(d, 3);
  auto with_spectrum = [&](const std::vector<double>& lambda) {
    Eigen::VectorXd l = Eigen::Map<const Eigen::VectorXd>(lambda.data(), d);
    return (q * l.asDiagonal() * q.transpose()).eval();
  };
  // Flat spectrum: every rank is d (stable rank sqrt(d) for |X|_F / |X|_2).
  auto c = gram_compressibility(with_spectrum(std::vector<double>(d, 2.5)));
  EXPECT_NEAR(c.effective_rank, 8.0, 1e-9);
  EXPECT_NEAR(c.stable_rank, std::sqrt(8.0), 1e-9);
  EXPECT_EQ(c.rank, 8);
  // Rank one.
  c = gram_compressibility(with_spectrum({0, 0, 0, 7, 0, 0, 0, 0}));
  EXPECT_NEAR(c.effective_rank, 1.0, 1e-6);
  EXPECT_NEAR(c.stable_rank, 1.0, 1e-9);
  EXPECT_EQ(c.rank, 1);
  // A general spectrum against the formulas.
  const std::vector<double> lambda{4, 2, 1, 1, 0.5, 0.25, 0, 0};
  c = gram_compressibility(with_spectrum(lambda));
  double sum = 0, sq = 0, h = 0;
  for (double l : lambda) sum += l, sq += l * l;
  for (double l : lambda)
    if (l > 0) h -= l / sum * std::log(l / sum);
  EXPECT_NEAR(c.effective_rank, std::exp(h), 1e-9);
  EXPECT_NEAR(c.stable_rank, std::sqrt(sq) / 4.0, 1e-9);
  EXPECT_EQ(c.rank, 6);
  // All zero.
  c = gram_compressibility(Eigen::MatrixXd::Zero(d, d));
  EXPECT_EQ(c.effective_rank, 0.0);
  EXPECT_EQ(c.rank, 0);
  EXPECT_THROW(gram_compressibility(Eigen::MatrixXd::Zero(2, 3)), Error);
}

TEST(Compressibility, FeaturesGiveTheGramSpectrum) {
  // F = U diag(s) V^T (N x d): the eigenvalues of F^T F are s^2.
  const int n = 20, d = 5;
  const auto u = random_orthogonal(n, 5).leftCols(d).eval();
  const auto v = random_orthogonal(d, 6);
  const Eigen::VectorXd s = (Eigen::VectorXd(d) << 3, 2, 1, 1, 0).finished();
  const Eigen::MatrixXd f = u * s.asDiagonal() * v.transpose();
  const auto c = feature_compressibility(f);
  const Eigen::VectorXd l = s.array().square();
  double h = 0;
  for (int i = 0; i < d; ++i)
    if (l[i] > 0) h -= l[i] / l.sum() * std::log(l[i] / l.sum());
  EXPECT_NEAR(c.effective_rank, std::exp(h), 1e-9);
  EXPECT_NEAR(c.stable_rank, l.norm() / 9.0, 1e-9);
  EXPECT_EQ(c.rank, 4);
}

TEST(FirstStepReaching, AtLeastAndAtMost) {
  const std::vector<std::int64_t> steps{0, 10, 20, 30};
  EXPECT_EQ(first_step_reaching(steps, {0.1, 0.5, 0.996, 0.99}, 0.995, true), 20);
  EXPECT_EQ(first_step_reaching(steps, {0.1, 0.5, 0.9, 0.99}, 0.995, true), -1);
  EXPECT_EQ(first_step_reaching(steps, {5, 1, 0.01, 0.001}, 0.01, false), 20);
  EXPECT_EQ(first_step_reaching(steps, {5, 1, 0.02, 0.011}, 0.01, false), -1);
  EXPECT_THROW(first_step_reaching(steps, {1.0}, 0.5, true), Error);
}

// --- parser -----------------------------------------------------------------------------------

TEST(GrokkingParser, AcceptsTheFullGridAndReportsProblemsWithTheirPlace) {
  const char* good = R"(
tasks:
  g:
    kind: grokking
    seed: 3
    data: {modulus: 23, train_fraction: 0.3}
    model: {d_model: 32, n_heads: 4, d_ff: 64}
    training: {steps: 20}
    record_every: 5
    grok: {accuracy: 0.99, loss: 0.05}
    init: {embedding: saturn}
    sweep:
      model.layer_norm: {none: {attn: none, mlp: false, final: false}, "M+A*": {attn: qkv, mlp: true, final: false}}
      model.readout_scale: [0.5, 1]
      seed: [1, 2]
suites:
  s: [g]
)";
  EXPECT_EQ(problems_of(good), "");
  const auto f = parse_task_file(good, "t.yaml");
  EXPECT_EQ(f.runs("s").size(), 8u);
  EXPECT_EQ(f.runs("s")[0]->task.runner->seed(), 1u);
  EXPECT_STREQ(f.runs("s")[0]->task.runner->kind(), "grokking");

  const std::string bad = problems_of(R"(
tasks:
  g:
    kind: grokking
    data: {modulus: 1, train_fraction: 1.5, colour: red}
    model: {head: classify, d_model: 30, n_heads: 4}
    training: {batch_size: 8}
    record_every: 0
    grok: {accuracy: 2}
    init: {embedding: zeros}
    extra: 1
suites:
  s: [g]
)");
  EXPECT_NE(bad.find("t.yaml:11:5: field 'tasks.g.extra': unknown key"), std::string::npos) << bad;
  EXPECT_NE(bad.find("t.yaml:5:21: field 'tasks.g.data.modulus': must be between 2 and 4096"), std::string::npos) << bad;
  EXPECT_NE(bad.find("field 'tasks.g.data.train_fraction': must lie strictly between 0 and 1"), std::string::npos) << bad;
  EXPECT_NE(bad.find("field 'tasks.g.data.colour': unknown key"), std::string::npos) << bad;
  EXPECT_NE(bad.find("t.yaml:6:19: field 'tasks.g.model.head': is fixed by the grokking kind"), std::string::npos) << bad;
  EXPECT_NE(bad.find("field 'tasks.g.model.n_heads': 4 heads do not divide d_model = 30"), std::string::npos) << bad;
  EXPECT_NE(bad.find("t.yaml:7:28: field 'tasks.g.training.batch_size': is not used by the grokking kind"), std::string::npos) << bad;
  EXPECT_NE(bad.find("field 'tasks.g.record_every': must be positive"), std::string::npos) << bad;
  EXPECT_NE(bad.find("field 'tasks.g.grok.accuracy': must lie in (0, 1]"), std::string::npos) << bad;
  EXPECT_NE(bad.find("field 'tasks.g.init.embedding': 'zeros' is not one of paper, saturn"), std::string::npos) << bad;
}

// --- runs -------------------------------------------------------------------------------------

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string tiny_task(int steps, const std::string& extra = "") {
  return fmt::format(R"(
tasks:
  g:
    kind: grokking
    seed: 4
    data: {{modulus: 11, train_fraction: 0.5}}
    model: {{d_model: 16, n_heads: 2, d_ff: 32, layer_norm: {{attn: qkv, mlp: true, final: false}}, readout_scale: 1.5}}
    optimizer: {{lr: 0.01}}
    training: {{steps: {}, log_every: 10, checkpoint_every: 10}}
    record_every: 10
{}
suites:
  s: [g]
)",
                     steps, extra);
}

struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name) : path(fs::temp_directory_path() / (name + "_" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

RunOutput run_tiny(int steps, const fs::path& dir, int threads, const std::string& extra = "") {
  const auto f = parse_task_file(tiny_task(steps, extra), "t.yaml");
  RunContext ctx;
  ctx.dir = dir;
  ctx.threads = threads;
  return f.runs("s").front()->task.runner->run(ctx);
}

void expect_same_output(const RunOutput& a, const RunOutput& b) {
  ASSERT_EQ(a.rows.size(), b.rows.size());
  for (std::size_t i = 0; i < a.rows.size(); ++i) {
    EXPECT_EQ(a.rows[i].bin, b.rows[i].bin);
    EXPECT_EQ(a.rows[i].strings, b.rows[i].strings);
    EXPECT_EQ(a.rows[i].accuracy, b.rows[i].accuracy);
    EXPECT_EQ(a.rows[i].loss, b.rows[i].loss);
  }
  ASSERT_EQ(a.scalars.size(), b.scalars.size());
  for (std::size_t i = 0; i < a.scalars.size(); ++i) {
    EXPECT_EQ(a.scalars[i].first, b.scalars[i].first);
    const double x = a.scalars[i].second, y = b.scalars[i].second;
    EXPECT_TRUE(x == y || (std::isnan(x) && std::isnan(y))) << a.scalars[i].first << ": " << x << " vs " << y;
  }
}

TEST(GrokkingRun, BitwiseIdenticalWithOneAndTwoThreadsAndAfterAResume) {
  TempDir one("grok_t1"), two("grok_t2"), resumed("grok_resume");
  const auto a = run_tiny(40, one.path, 1);
  const auto b = run_tiny(40, two.path, 2);
  const std::string trace = read_all(one.path / "grokking.jsonl");
  EXPECT_EQ(trace, read_all(two.path / "grokking.jsonl"));
  EXPECT_EQ(read_all(one.path / "model" / "model.safetensors"), read_all(two.path / "model" / "model.safetensors"));
  expect_same_output(a, b);

  // Records at 0, 10, 20, 30, 40 with every field.
  std::istringstream lines(trace);
  int n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    const auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["step"].get<int>(), 10 * n);
    for (const char* split : {"train", "test"}) {
      for (const char* key : {"loss", "accuracy", "entropy", "entropy_of_mean", "effective_rank", "stable_rank", "rank"})
        EXPECT_TRUE(j[split].contains(key)) << split << "." << key;
      EXPECT_LE(j[split]["entropy"].get<double>(), std::log(3.0) + 1e-9);
      EXPECT_LE(j[split]["entropy_of_mean"].get<double>(), std::log(3.0) + 1e-9);
      EXPECT_GE(j[split]["entropy_of_mean"].get<double>(), j[split]["entropy"].get<double>() - 1e-9);
      EXPECT_GE(j[split]["effective_rank"].get<double>(), 1.0);
      EXPECT_LE(j[split]["effective_rank"].get<double>(), 16.0 + 1e-9);
    }
  }
  EXPECT_EQ(n, 5);
  ASSERT_EQ(a.rows.size(), 2u);
  EXPECT_EQ(a.rows[0].bin, "train");
  EXPECT_EQ(a.rows[0].strings + a.rows[1].strings, 121);

  // A run killed after its step-20 checkpoint, with a record of step 30 and half a line written:
  // restarted, it ends with the same trace, weights and output.
  run_tiny(20, resumed.path, 2);
  {
    std::ofstream out(resumed.path / "grokking.jsonl", std::ios::app);
    out << R"({"step":30,"param_norm":1.0,"train":{},"test":{}})" << "\n" << R"({"step":40,"par)";
  }
  fs::remove_all(resumed.path / "model");
  const auto c = run_tiny(40, resumed.path, 1);
  EXPECT_EQ(read_all(resumed.path / "grokking.jsonl"), trace);
  EXPECT_EQ(read_all(resumed.path / "model" / "model.safetensors"), read_all(one.path / "model" / "model.safetensors"));
  expect_same_output(a, c);
  EXPECT_EQ(c.details["resumed_from_step"].get<int>(), 20);

  // The report section: the steps-to-grok table names the placement and the scale.
  RunRecord rec;
  rec.dir = one.path;
  rec.summary = {{"kind", "grokking"}, {"seed", 4}, {"result", a.details}, {"scalars", nlohmann::json::object()}};
  for (const auto& [k, v] : a.scalars) rec.summary["scalars"][k] = std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
  const std::string html = report_section_grokking({rec});
  EXPECT_NE(html.find("<table"), std::string::npos);
  EXPECT_NE(html.find("M+A*"), std::string::npos) << html.substr(0, 2000);
  EXPECT_NE(html.find("α = 1.5"), std::string::npos);
  EXPECT_NE(html.find("/1)"), std::string::npos);  // k of 1 seeds grokked
}


TEST(GrokkingRun, StopsAfterGrokkingAndAStoppedRunResumesToTheSameEnd) {
  // Thresholds met from step 0 on: the run ends at the first record 20 steps later.
  const std::string stop = "    grok: {accuracy: 0.01, loss: 100, stop_after: 20}";
  TempDir once("grok_stop"), again("grok_stop_again");
  const auto a = run_tiny(100, once.path, 1, stop);
  EXPECT_EQ(a.details["steps"].get<int>(), 20);
  const std::string trace = read_all(once.path / "grokking.jsonl");
  EXPECT_EQ(std::count(trace.begin(), trace.end(), '\n'), 3);  // steps 0, 10, 20
  const auto grok = std::find_if(a.scalars.begin(), a.scalars.end(), [](const auto& kv) { return kv.first == "steps_to_grok_loss"; });
  ASSERT_NE(grok, a.scalars.end());
  EXPECT_EQ(grok->second, 0.0);

  // Killed after its last checkpoint but before the summary: restarted, it does not train on.
  run_tiny(100, again.path, 2, stop);
  fs::remove_all(again.path / "model");
  const auto b = run_tiny(100, again.path, 1, stop);
  EXPECT_EQ(read_all(again.path / "grokking.jsonl"), trace);
  EXPECT_EQ(read_all(again.path / "model" / "model.safetensors"), read_all(once.path / "model" / "model.safetensors"));
  expect_same_output(a, b);

  // Without stop_after the same run goes on to its last step.
  TempDir full("grok_nostop");
  EXPECT_EQ(run_tiny(40, full.path, 1, "    grok: {accuracy: 0.01, loss: 100}").details["steps"].get<int>(), 40);
  EXPECT_NE(problems_of(tiny_task(40, "    grok: {stop_after: -1}")).find("field 'tasks.g.grok.stop_after': must be >= 0"),
            std::string::npos);
}

}  // namespace
}  // namespace saturn
