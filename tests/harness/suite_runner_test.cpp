// Sweeps, shards and the suite runner's files (with tiny language runs).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/error.h"
#include "harness/suite_runner.h"
#include "harness/sweep.h"
#include "harness/task_file.h"
#include "tests/harness/task_file_problems.h"

namespace saturn {
namespace {

namespace fs = std::filesystem;

const char* kFile = R"(defaults:
  seed: 1
tasks:
  a:
    language: anbn
    train: {lengths: 2..10, size: 40}
    test: {bins: [12..16], size: 20}
    model: {d_model: 8, n_heads: 2, d_ff: 8}
    training: {steps: 4, batch_size: 4, log_every: 2}
    analysis: {modes: [softmax, saturated, hard], verify_length: 4}
    sweep:
      optimizer.lr: [0.001, 0.01]
      model.layer_norm: {pre: pre, off: none}
  b:
    language: parity
    train: {lengths: 1..6, size: 30}
    test: {bins: [7..9], size: 10}
    model: {d_model: 8, n_heads: 1, d_ff: 8}
    training: {steps: 3, batch_size: 4}
suites:
  s: [a, b]
)";

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path fresh_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("saturn_suite_test_" + name);
  fs::remove_all(d);
  return d;
}

TEST(Sweep, ExpandsEveryCombinationInOrder) {
  const auto file = parse_task_file(kFile, "t.yaml");
  const auto runs = file.runs("s");
  ASSERT_EQ(runs.size(), 5u);
  EXPECT_EQ(runs[0]->id, "a/optimizer.lr=0.001,model.layer_norm=pre");
  EXPECT_EQ(runs[1]->id, "a/optimizer.lr=0.001,model.layer_norm=off");
  EXPECT_EQ(runs[3]->id, "a/optimizer.lr=0.01,model.layer_norm=off");
  EXPECT_EQ(runs[4]->id, "b");
  EXPECT_FLOAT_EQ(language_spec(runs[2]->task).optimizer.lr, 0.01);
  EXPECT_EQ(language_spec(runs[1]->task).model.config.layer_norm, LayerNormMode::none);
  EXPECT_EQ(language_spec(runs[0]->task).model.config.layer_norm, LayerNormMode::pre);
  EXPECT_NE(runs[1]->config_yaml.find("layer_norm: none"), std::string::npos);
  EXPECT_NE(runs[4]->config_yaml.find("seed: 1"), std::string::npos);  // defaults resolved
}

TEST(Sweep, SeedsAddTheInnermostAxis) {
  const auto file = parse_task_file(kFile, "t.yaml", {}, 3);  // runs point into it
  const auto runs = file.runs("s");
  ASSERT_EQ(runs.size(), 15u);
  EXPECT_EQ(runs[0]->id, "a/optimizer.lr=0.001,model.layer_norm=pre,seed=1");
  EXPECT_EQ(runs[2]->task.seed, 3u);
  EXPECT_EQ(language_spec(runs[2]->task).training.seed, 3u);
  EXPECT_EQ(runs[14]->id, "b/seed=3");
}

TEST(Sweep, BadValueIsLocatedOnce) {
  const std::string bad = std::string(kFile).replace(std::string(kFile).find("[0.001, 0.01]"), 13, "[0.001, -1]");
  try {
    parse_task_file(bad, "t.yaml");
    FAIL();
  } catch (const TaskFileError& e) {
    ASSERT_EQ(e.problems().size(), 1u);
    EXPECT_EQ(std::string(e.problems()[0].what()), "t.yaml:12:29: field 'tasks.a.optimizer.lr': must be positive");
  }
}

// A sweep's size is checked before any point is built: 10 x 10 x 10 x 10 x 10 x 10 = 10^6 runs are
// refused at once, naming the axes' sizes, while a sweep of 100 runs is expanded as usual.
TEST(Sweep, MoreRunsThanTheBudgetAreRefusedBeforeExpanding) {
  auto axis = [](const std::string& key) {
    std::string list = "      " + key + ": [";
    for (int i = 1; i <= 10; ++i) list += (i > 1 ? ", " : "") + std::to_string(i);
    return list + "]\n";
  };
  std::string sweep = "    sweep:\n";
  for (const char* k : {"training.steps", "training.batch_size", "model.d_ff", "seed", "training.log_every"}) sweep += axis(k);
  const std::string head = "tasks:\n  a:\n    language: anbn\n    train: {lengths: 2..10, size: 5}\n";
  EXPECT_EQ(kMaxSweepRuns, 100000u);
  EXPECT_EQ(problems_of(head + "    sweep:\n" + axis("training.steps") + axis("seed")), "");  // 100 runs
  const std::string too_many = problems_of(head + sweep + axis("training.eval_every"));
  EXPECT_EQ(too_many,
            "t.yaml:6:7: field 'tasks.a.sweep': expands to more than 100000 runs (10 x 10 x 10 x 10 x 10 x 10); "
            "split the task into smaller sweeps\n");
}

TEST(Sweep, ANonScalarKeyIsRefused) {
  EXPECT_NE(first_problem("tasks:\n  a:\n    language: anbn\n    train: {lengths: 2..10, size: 5}\n"
                          "    sweep: {[a, b]: [1, 2]}\n")
                .find("a sweep key must be a dotted config key"),
            std::string::npos);
}

TEST(Sweep, SetAppliesToTheSuiteOnly) {
  const std::string two = std::string(kFile) + "  only_b: [b]\n";
  const auto file = parse_task_file(two, "t.yaml", {"training.steps=7"}, 0, "only_b");
  EXPECT_EQ(language_spec(file.runs("only_b")[0]->task).training.steps, 7);
  EXPECT_EQ(language_spec(file.task("a")).training.steps, 4);
  EXPECT_THROW(file.runs("s"), Error);  // points are made for the named suite only
}

TEST(Shard, SlicesAreDisjointAndCover) {
  const auto file = parse_task_file(kFile, "t.yaml", {}, 3);
  const auto runs = file.runs("s");
  for (int n : {1, 2, 3, 4, 7, 20}) {
    std::multiset<std::string> seen;
    for (int i = 0; i < n; ++i)
      for (const RunPoint* p : shard_runs(runs, {i, n})) seen.insert(p->id);
    EXPECT_EQ(seen.size(), runs.size()) << n;
    for (const RunPoint* p : runs) EXPECT_EQ(seen.count(p->id), 1u) << n;
  }
  EXPECT_THROW(parse_shard("2/2"), Error);
  EXPECT_THROW(parse_shard("x"), Error);
  EXPECT_THROW(parse_shard("1/0"), Error);
  EXPECT_EQ(parse_shard("3/8").index, 3);
}

TEST(SuiteRunner, ShardedRunsGiveTheSameResultsAsOneProcess) {
  const auto file = parse_task_file(kFile, "t.yaml");
  const auto runs = file.runs("s");
  SuiteOptions o;
  o.progress = false;
  o.out = fresh_dir("whole");
  const auto whole = run_suite("s", runs, o);
  EXPECT_EQ(whole.complete, runs.size());
  EXPECT_EQ(whole.failed, 0u);

  SuiteOptions so = o;
  so.out = fresh_dir("sharded");
  so.shard = {0, 2};
  run_suite("s", runs, so);
  so.shard = {1, 2};
  const auto second = run_suite("s", runs, so);
  EXPECT_EQ(second.owned, 2u);
  EXPECT_EQ(second.complete, runs.size());
  EXPECT_EQ(read(o.out / "results.csv"), read(so.out / "results.csv"));
  EXPECT_EQ(read(o.out / "runs.csv"), read(so.out / "runs.csv"));

  // results.csv: a header and one row per run x mode x bin.
  const auto csv = read(o.out / "results.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "task,run,kind,language,variant,optimizer.lr,model.layer_norm,seed,mode,split,bin_min,bin_max,strings,"
                                          "accuracy,loss");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 4 * 3 * 2 + 1 * 1 * 2);  // b: softmax only
  EXPECT_TRUE(fs::exists(o.out / "report.html"));
  EXPECT_TRUE(fs::exists(o.out / runs[0]->id / "config.yaml"));
  EXPECT_TRUE(fs::exists(o.out / runs[0]->id / "verify.json"));

  // Restarting skips every complete run and rewrites identical files.
  const auto again = run_suite("s", runs, o);
  EXPECT_EQ(again.skipped, runs.size());
  EXPECT_EQ(again.ran, 0u);
  EXPECT_EQ(read(o.out / "results.csv"), csv);
}

TEST(SuiteRunner, IncompleteRunIsRedoneAndAnotherConfigIsRefused) {
  const auto file = parse_task_file(kFile, "t.yaml");
  const auto runs = file.runs("s");
  SuiteOptions o;
  o.progress = false;
  o.out = fresh_dir("redo");
  run_suite("s", runs, o);
  const auto csv = read(o.out / "results.csv");
  // A run killed before its summary: folder present, summary missing.
  fs::remove(o.out / runs[1]->id / "summary.json");
  const auto redo = run_suite("s", runs, o);
  EXPECT_EQ(redo.ran, 1u);
  EXPECT_EQ(read(o.out / "results.csv"), csv);

  const auto changed_file = parse_task_file(kFile, "t.yaml", {"training.steps=5"});
  const auto changed = changed_file.runs("s");
  EXPECT_THROW(run_suite("s", changed, o), Error);
}

}  // namespace
}  // namespace saturn
