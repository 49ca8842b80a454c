// The scan_snap kind: located parser errors, sweeps, bitwise determinism across thread counts,
// the transformer variant's trace, a qualitative property, and the CI suite end to end.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "harness/kinds/scan_snap/spec.h"
#include "harness/suite_runner.h"
#include "harness/task_file.h"
#include "tests/harness/task_file_problems.h"

namespace saturn {
namespace {

namespace fs = std::filesystem;

// A fresh folder under the temp directory, removed at the end of the test.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name) {
    path = fs::temp_directory_path() / fmt::format("saturn-scan-snap-{}-{}", name, ::getpid());
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const char* kTiny = R"(
tasks:
  r:
    kind: scan_snap
    seed: 3
    data: {num_last: 2, num_common: 4, num_unique_per_next: 4, seq_len: 16}
    training: {steps: 30, batch: 16, lr_z: 1, lr_ratio: 2, record_every: 5, test_size: 64}
  t:
    kind: scan_snap
    seed: 3
    variant: transformer
    model: {d_model: 16, n_heads: 2, d_ff: 16}
    data: {num_last: 2, num_common: 4, num_unique_per_next: 4, seq_len: 16}
    training: {steps: 12, batch: 8, lr_z: 0.1, lr_ratio: 2, record_every: 3, test_size: 32}
suites:
  both: [r, t]
)";

TEST(ScanSnapKind, ParserErrorsAreLocated) {
  EXPECT_EQ(first_problem("tasks:\n  s:\n    kind: scan_snap\n    training: {lr_ratio: -1}\n"),
            "t.yaml:4:26: field 'tasks.s.training.lr_ratio': must be positive");
  EXPECT_EQ(first_problem("tasks:\n  s:\n    kind: scan_snap\n    data: {num_lats: 3}\n"),
            "t.yaml:4:12: field 'tasks.s.data.num_lats': unknown key (expected one of: num_last, num_next_per_last, "
            "num_common, num_common_per_last, num_unique_per_next, seq_len, unique_min, unique_max)");
  EXPECT_EQ(first_problem("tasks:\n  s:\n    kind: scan_snap\n    variant: big\n"),
            "t.yaml:4:14: field 'tasks.s.variant': 'big' is not one of reparam, transformer");
  EXPECT_EQ(first_problem("tasks:\n  s:\n    kind: scan_snap\n    model: {n_layers: 2}\n"),
            "t.yaml:4:12: field 'tasks.s.model.n_layers': the scan_snap transformer has exactly 1 layer");
  EXPECT_EQ(first_problem("tasks:\n  s:\n    kind: scan_snap\n    optimizer: {kind: sgd}\n"),
            "t.yaml:4:16: field 'tasks.s.optimizer': only the transformer variant has an optimizer section (reparam: "
            "training.lr_z, lr_ratio, momentum)");
  EXPECT_EQ(first_problem("tasks:\n  s:\n    kind: scan_snap\n    training: {init: ones}\n"),
            "t.yaml:4:22: field 'tasks.s.training.init': 'ones' is not one of uniform, zero");
  EXPECT_EQ(first_problem("tasks:\n  s:\n    kind: scan_snap\n    language: anbn\n"),
            "t.yaml:4:5: field 'tasks.s.language': unknown key (expected one of: kind, seed, variant, model, data, "
            "training, optimizer)");
  EXPECT_EQ(first_problem("tasks:\n  s:\n    kind: scan_snap\n    data: {seq_len: 1}\n"),
            "t.yaml:4:21: field 'tasks.s.data.seq_len': must be >= 2 (keys and the query)");
}

TEST(ScanSnapKind, EveryProblemIsReported) {
  try {
    parse_task_file("tasks:\n  s:\n    kind: scan_snap\n    data: {num_last: 0}\n    training: {steps: x, batch: 0}\n", "t.yaml");
    FAIL() << "expected an error";
  } catch (const TaskFileError& e) {
    EXPECT_EQ(e.problems().size(), 3u);
  }
}

TEST(ScanSnapKind, SweepPointsCarryTheirValues) {
  const auto f = parse_task_file(R"(
tasks:
  s:
    kind: scan_snap
    sweep: {data.num_last: [1, 3], training.lr_ratio: [1, 10], seed: [1, 2]}
suites:
  s: [s]
)",
                                 "t.yaml");
  const auto runs = f.runs("s");
  ASSERT_EQ(runs.size(), 8u);
  const ScanSnapSpec* last = scan_snap_spec(runs.back()->task.runner.get());
  ASSERT_NE(last, nullptr);
  EXPECT_EQ(last->data.num_last, 3);
  EXPECT_EQ(last->lr_ratio, 10);
  EXPECT_EQ(last->seed, 2u);
  EXPECT_EQ(runs.back()->task.runner->seed(), 2u);
  EXPECT_EQ(runs.back()->id, "s/data.num_last=3,training.lr_ratio=10,seed=2");
  // Fig. 6 defaults.
  EXPECT_EQ(last->data.seq_len, 128);
  EXPECT_EQ(last->steps, 100);
  EXPECT_FALSE(last->zero_init);
}

// Runs a task's only point in a fresh folder with a thread count; returns trace.json and a dump of the output.
std::pair<std::string, std::string> run_once(const RunPoint& p, int threads) {
  TempDir dir(fmt::format("{}-{}", p.task.name, threads));
  const auto out = p.task.runner->run({dir.path, threads, false});
  nlohmann::json j;
  for (const auto& r : out.rows) j["rows"].push_back({r.mode, r.bin, r.strings, r.accuracy, r.loss});
  for (const auto& [k, v] : out.scalars) j["scalars"][k] = v;
  j["drops"] = out.details["mean_drop_step_by_weight_rank"];
  return {read(dir.path / "trace.json"), j.dump()};
}

TEST(ScanSnapKind, RunsAreBitwiseTheSameForOneAndTwoThreads) {
  const auto f = parse_task_file(kTiny, "t.yaml");
  for (const char* task : {"r", "t"}) {
    const RunPoint& p = f.points.at(task).front();
    const auto one = run_once(p, 1), two = run_once(p, 2), again = run_once(p, 2);
    EXPECT_FALSE(one.first.empty()) << task;
    EXPECT_EQ(one.first, two.first) << task;
    EXPECT_EQ(one.second, two.second) << task;
    EXPECT_EQ(two.first, again.first) << task;  // a restarted run gives the same files
  }
}

TEST(ScanSnapKind, TransformerTraceHasEveryClassAndRecord) {
  const auto f = parse_task_file(kTiny, "t.yaml");
  const RunPoint& p = f.points.at("t").front();
  TempDir dir("trace");
  const auto out = p.task.runner->run({dir.path, 0, false});
  ASSERT_EQ(out.rows.size(), 2u);
  EXPECT_EQ(out.rows[0].mode, "transformer");
  EXPECT_EQ(out.rows[1].bin, "test");
  EXPECT_EQ(out.rows[1].strings, 32);
  const auto j = nlohmann::json::parse(read(dir.path / "trace.json"));
  EXPECT_EQ(j["variant"], "transformer");
  EXPECT_EQ(j["record_steps"], nlohmann::json({0, 3, 6, 9, 12}));
  ASSERT_EQ(j["classes"].size(), 4u);  // 2 query tokens x 2 next tokens
  ASSERT_EQ(j["self_attention"].size(), 5u);
  for (const auto& c : j["classes"]) {
    EXPECT_EQ(c["tokens"].size(), 8u);  // 4 common + 4 distinct
    ASSERT_EQ(c["attention"].size(), 5u);
    ASSERT_EQ(c["entropy"].size(), 5u);
    for (const auto& a : c["attention"]) {
      ASSERT_EQ(a.size(), 8u);
      double sum = 0;
      for (const auto& x : a) sum += x.get<double>();
      EXPECT_NEAR(sum, 1.0, 1e-5);
    }
  }
}

TEST(ScanSnapKind, AttentionLeavesCommonTokensAndRareDistinctTokensDropFirst) {
  // From zero weights (uniform attention), as in the paper's analysis.
  const auto f = parse_task_file(R"(
tasks:
  z:
    kind: scan_snap
    data: {num_last: 2, seq_len: 64}
    training: {steps: 60, batch: 64, lr_z: 1, lr_ratio: 1, record_every: 1, init: zero}
)",
                                 "t.yaml");
  TempDir dir("qualitative");
  const auto out = f.points.at("z").front().task.runner->run({dir.path, 0, false});
  std::map<std::string, double> s(out.scalars.begin(), out.scalars.end());
  EXPECT_LT(s["common_mass_end"], 0.5 * s["common_mass_start"]);
  EXPECT_LT(s["final_distinct_entropy"], s["initial_distinct_entropy"]);
  EXPECT_GT(s["final_attention_spearman"], 0.9);  // final attention ranks distinct tokens by co-occurrence
  EXPECT_GT(s["drop_order_spearman"], 0.3);       // rarer distinct tokens start losing attention earlier
  EXPECT_EQ(s["final_accuracy"], 1.0);
}

TEST(ScanSnapKind, CiSuiteRunsEndToEnd) {
  const auto f = load_task_file(std::string(SATURN_SOURCE_DIR) + "/tasks.yaml");
  const auto runs = f.runs("scan_snap_ci");
  ASSERT_EQ(runs.size(), 3u);
  TempDir dir("suite");
  SuiteOptions o;
  o.out = dir.path;
  o.progress = false;
  const auto outcome = run_suite("scan_snap_ci", runs, o);
  EXPECT_EQ(outcome.failed, 0u) << (outcome.failures.empty() ? "" : outcome.failures.front());
  EXPECT_EQ(outcome.complete, 3u);
  for (const RunPoint* p : runs) EXPECT_TRUE(fs::exists(dir.path / p->id / "trace.json")) << p->id;
  const auto csv = read(dir.path / "results.csv");
  // The variant has its own column (task,run,kind,language,variant,training.lr_ratio,seed,mode,split,bin_min,...);
  // the mode is the attention (softmax) and scan_snap rows have no length bins.
  EXPECT_NE(csv.find("scan_snap,,reparam,10,1,softmax,train,,,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("scan_snap,,transformer,,1,softmax,test,,,"), std::string::npos) << csv;
  const auto report = read(dir.path / "report.html");
  EXPECT_NE(report.find("Scan and snap"), std::string::npos);
  // Resuming changes nothing.
  const auto again = run_suite("scan_snap_ci", runs, o);
  EXPECT_EQ(again.ran, 0u);
  EXPECT_EQ(read(dir.path / "results.csv"), csv);
}

}  // namespace
}  // namespace saturn
