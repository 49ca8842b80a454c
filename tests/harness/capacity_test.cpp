// The capacity table as a view over a suite's run folders: what it reads from summary.json, its
// files, and that it equals what `saturn run` recorded (rows, verification) for real runs.
#include <gtest/gtest.h>

#include <filesystem>

#include "harness/capacity.h"
#include "harness/suite_runner.h"
#include "harness/task_file.h"

namespace saturn {
namespace {

namespace fs = std::filesystem;

const char* kFile = R"(tasks:
  a:
    language: anbn
    train: {lengths: 2..8, size: 40}
    test: {bins: [10..12], size: 10}
    model: {d_model: 8, n_heads: 2, d_ff: 8}
    training: {steps: 4, batch_size: 4}
    analysis: {modes: [softmax, saturated, hard], verify_length: 4}
  g:
    kind: grokking
    data: {modulus: 5}
suites:
  s: [a, g]
)";

nlohmann::json row(const char* mode, const char* bin, double accuracy) {
  return {{"mode", mode}, {"bin", bin}, {"strings", 10}, {"accuracy", accuracy}, {"loss", nullptr}};
}

TEST(Capacity, ReadsRowsAndVerificationOfLanguageRuns) {
  const auto file = parse_task_file(kFile, "t.yaml");
  const auto runs = file.runs("s");
  ASSERT_EQ(runs.size(), 2u);
  RunRecord lang{runs[0], "", {}};
  lang.summary = {{"kind", "language"},
                  {"rows", {row("softmax", "train", 1.0), row("softmax", "test_10..12", 0.5), row("hard", "train", 0.25),
                            row("hard", "test_10..12", 0.125)}},
                  {"scalars", {{"exact_hard", 0.0}, {"verified_length", 4}}},
                  {"result", {{"verify", {{"hard", {{"counterexample", "ab"}}}}}}}};
  RunRecord grok{runs[1], "", {{"kind", "grokking"}, {"rows", {row("softmax", "test", 1.0)}}}};
  const auto rows = capacity_rows({lang, grok});
  ASSERT_EQ(rows.size(), 2u);  // the grokking run is not a language run
  EXPECT_EQ(rows[0].task, "a");
  EXPECT_EQ(rows[0].run, "a");
  EXPECT_EQ(rows[0].language, "anbn");
  EXPECT_EQ(rows[0].mode, "softmax");
  ASSERT_EQ(rows[0].splits.size(), 2u);
  EXPECT_EQ(rows[0].splits[0].split, "train");
  EXPECT_EQ(rows[0].splits[0].lengths, (LengthRange{2, 8}));
  EXPECT_EQ(rows[0].splits[1].split, "test");
  EXPECT_EQ(rows[0].splits[1].lengths, (LengthRange{10, 12}));
  EXPECT_EQ(rows[0].splits[0].accuracy, 1.0);
  EXPECT_EQ(rows[0].splits[1].accuracy, 0.5);
  EXPECT_EQ(rows[0].verified_length, 0);  // not verified in this mode
  EXPECT_FALSE(rows[0].exact);
  EXPECT_EQ(rows[1].mode, "hard");
  EXPECT_EQ(rows[1].verified_length, 4);
  EXPECT_FALSE(rows[1].exact);
  EXPECT_EQ(rows[1].counterexample, "ab");
  EXPECT_EQ(capacity_csv({rows[1]}),
            "task,run,language,mode,split,bin_min,bin_max,strings,accuracy,verified_length,recognizes_exactly,counterexample\n"
            "a,a,anbn,hard,train,2,8,10,0.25,4,0,ab\n"
            "a,a,anbn,hard,test,10,12,10,0.125,4,0,ab\n");
  // Not verified in a mode: verified_length and recognizes_exactly are empty, not 0.
  EXPECT_EQ(capacity_csv({rows[0]}).substr(capacity_csv({rows[0]}).find('\n') + 1),
            "a,a,anbn,softmax,train,2,8,10,1,,,\n"
            "a,a,anbn,softmax,test,10,12,10,0.5,,,\n");
  EXPECT_EQ(capacity_markdown({rows[1]}),
            "| run | language | mode | accuracy per split (lengths) | recognizes exactly up to N |\n|---|---|---|---|---|\n"
            "| a | `anbn` | hard | train 2..8: 0.250, test 10..12: 0.125 | no (N = 4), e.g. `ab` |\n");
}

TEST(Capacity, EqualsWhatTheSuiteRecorded) {
  const fs::path out = fs::temp_directory_path() / "saturn_capacity_test";
  fs::remove_all(out);
  const auto file = parse_task_file(kFile, "t.yaml");
  std::vector<const RunPoint*> runs{file.runs("s")[0]};  // the language run only (fast)
  SuiteOptions o;
  o.out = out;
  o.progress = false;
  ASSERT_EQ(run_suite("s", runs, o).ran, 1u);
  const auto done = complete_runs(runs, out);
  ASSERT_EQ(done.size(), 1u);
  const auto rows = capacity_rows(done);
  ASSERT_EQ(rows.size(), 3u);
  const auto& s = done[0].summary;
  std::size_t k = 0;
  for (const auto& r : rows) {
    ASSERT_EQ(r.splits.size(), 2u);
    for (std::size_t i = 0; i < r.splits.size(); ++i, ++k) {
      EXPECT_EQ(s["rows"][k]["mode"], r.mode);
      EXPECT_EQ(s["rows"][k]["bin"], i == 0 ? "train" : "test_10..12");
      EXPECT_EQ(r.splits[i].lengths, i == 0 ? (LengthRange{2, 8}) : (LengthRange{10, 12}));
      EXPECT_EQ(s["rows"][k]["accuracy"].get<double>(), r.splits[i].accuracy);
    }
    EXPECT_EQ(r.verified_length, 4);
    EXPECT_EQ(r.exact, s["scalars"]["exact_" + r.mode].get<double>() == 1.0);
    // Not exact: the shortest counterexample is a string of at most the verified length.
    if (!r.exact) {
      EXPECT_FALSE(r.counterexample.empty());
      EXPECT_LE(r.counterexample == "ε" ? 0u : r.counterexample.size(), 4u);
    }
  }
  fs::remove_all(out);
}

}  // namespace
}  // namespace saturn
