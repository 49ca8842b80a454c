// report.html: the registry's kinds, one section per kind present, HTML escaping.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "harness/kinds/registry.h"
#include "harness/report.h"
#include "harness/task_file.h"

namespace saturn {
namespace {

namespace fs = std::filesystem;

const char* kFile = R"(tasks:
  lang:
    language: anbn
    train: {lengths: 2..8, size: 20}
    test: {bins: [10..12], size: 10}
    model: {d_model: 8, n_heads: 2, d_ff: 8}
  grok:
    kind: grokking
    data: {modulus: 5}
suites:
  s: [lang, grok]
)";

// A complete language run as the runner records it (rows per mode x bin, scalars).
RunRecord language_record(const RunPoint* p) {
  RunRecord r;
  r.point = p;
  r.dir = fs::temp_directory_path();
  r.summary = {{"kind", "language"},
               {"rows", {{{"mode", "softmax"}, {"bin", "train"}, {"accuracy", 0.75}},
                         {{"mode", "softmax"}, {"bin", "test_10..12"}, {"accuracy", 0.5}}}},
               {"scalars", {{"final_loss", 0.25}}},
               {"result", nlohmann::json::object()}};
  return r;
}

TEST(Report, RegistryNamesEveryKindOnceWithParserAndSection) {
  std::set<std::string> names;
  for (const auto& k : task_kinds()) {
    EXPECT_TRUE(names.insert(k.name).second) << k.name;
    EXPECT_NE(k.parse, nullptr) << k.name;
    EXPECT_NE(k.report_section, nullptr) << k.name;
    EXPECT_EQ(find_task_kind(k.name), &k);
  }
  EXPECT_EQ(names, (std::set<std::string>{"language", "scan_snap", "grokking"}));
  EXPECT_EQ(find_task_kind("nope"), nullptr);
  // The parser's message lists the registry's kinds.
  try {
    parse_task_file("tasks:\n  t: {kind: nope}\n", "t.yaml");
    FAIL() << "an unknown kind was accepted";
  } catch (const TaskFileError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("'nope' is not a task kind"), std::string::npos) << msg;
    for (const auto& k : task_kinds()) EXPECT_NE(msg.find(k.name), std::string::npos) << msg;
  }
}

TEST(Report, OneSectionPerKindPresent) {
  const auto file = parse_task_file(kFile, "t.yaml");
  EXPECT_EQ(report_sections({}), "");
  const std::string h = report_sections({language_record(file.runs("s")[0])});
  EXPECT_NE(h.find("<h2>Formal-language tasks</h2>"), std::string::npos) << h;
  EXPECT_EQ(h.find("<h2>Grokking"), std::string::npos);
  EXPECT_EQ(h.find("<h2>Scan and snap"), std::string::npos);
  // The accuracy table has the run, its language and each bin's accuracy.
  EXPECT_NE(h.find("<td>lang</td><td>anbn</td><td>softmax</td><td>train 2..8: 0.750</td><td>test 10..12: 0.500</td>"),
            std::string::npos)
      << h;
  EXPECT_NE(h.find("final_loss"), std::string::npos);
}

TEST(Report, EscapesHtml) {
  EXPECT_EQ(html_escape(R"(<a href="x">&</a>)"), "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
  EXPECT_EQ(html_escape("plain text"), "plain text");
  EXPECT_EQ(html_table({"a<b"}, {{"x&y"}}), "<table>\n<tr><th>a&lt;b</th></tr>\n<tr><td>x&amp;y</td></tr>\n</table>\n");
  const fs::path dir = fs::temp_directory_path() / "saturn_report_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  write_report("<script>", {}, dir);
  std::ifstream in(dir / "report.html");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string html = ss.str();
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("<title>Saturn: &lt;script&gt;</title>"), std::string::npos) << html;
  EXPECT_NE(html.find("0 complete runs"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace saturn
