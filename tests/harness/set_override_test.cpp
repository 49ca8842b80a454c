// `--set` (harness/task_file.h): applied to the tasks in scope whose kind has the key, or to one
// task with TASK.key=value; a key no task in scope has, or a bad value, is reported at the
// command line, never at a position of the task file.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness/kinds/language/spec.h"
#include "harness/kinds/scan_snap/spec.h"
#include "harness/task_file.h"

namespace saturn {
namespace {

// One task of each kind (and a reparameterised scan_snap task, which has no model or optimizer).
const char* kMixed = R"(
tasks:
  lang:
    language: anbn
    train: {lengths: 2..8, size: 20}
    test: {bins: [10..12], size: 10}
    optimizer: {kind: adamw, lr: 0.001}
  other:
    language: parity
    train: {lengths: 2..8, size: 20}
  grok:
    kind: grokking
    data: {modulus: 7, train_fraction: 0.5}
    model: {d_model: 8, n_heads: 2, d_ff: 8}
    optimizer: {kind: adamw, lr: 0.003}
  snap:
    kind: scan_snap
    data: {num_last: 2, num_common: 4, num_unique_per_next: 4, seq_len: 16}
  snap_t:
    kind: scan_snap
    variant: transformer
    model: {d_model: 16, n_heads: 1, d_ff: 16}
    data: {num_last: 2, num_common: 4, num_unique_per_next: 4, seq_len: 16}
suites:
  all: [lang, grok, snap, snap_t]
)";

// The problems of loading kMixed with these overrides, one per line ("" when it loads).
std::string problems(const std::vector<std::string>& set, const std::string& suite = "all", const std::string& task = "") {
  try {
    parse_task_file(kMixed, "t.yaml", set, 0, suite, task);
  } catch (const TaskFileError& e) {
    std::string all;
    for (const auto& p : e.problems()) all += std::string(p.what()) + "\n";
    return all;
  }
  return "";
}

TEST(SetOverride, AppliesToTheSuiteTasksWhoseKindHasTheKey) {
  const auto f = parse_task_file(kMixed, "t.yaml", {"optimizer.lr=0.02", "model.readout=last"}, 0, "all");
  EXPECT_DOUBLE_EQ(language_spec(f.task("lang")).optimizer.lr, 0.02);
  EXPECT_EQ(language_spec(f.task("lang")).model.config.readout, ClassifyReadout::last);
  EXPECT_DOUBLE_EQ(language_spec(f.task("other")).optimizer.lr, OptimizerOptions{}.lr);  // not in the suite
  for (const RunPoint* p : f.runs("all"))  // the resolved task as config.yaml records it
    if (p->task.name == "grok") {
      EXPECT_NE(p->config_yaml.find("lr: 0.02"), std::string::npos) << p->config_yaml;
      EXPECT_EQ(p->config_yaml.find("readout"), std::string::npos) << p->config_yaml;
    }
  // scan_snap's rate is training.lr_z, grokking's readout is fixed: both left alone, no problem.
  const auto* snap_t = scan_snap_spec(f.task("snap_t").runner.get());
  ASSERT_NE(snap_t, nullptr);
  EXPECT_EQ(snap_t->model.config.readout, ClassifyReadout::last);  // the transformer variant has a model
  const auto* snap = scan_snap_spec(f.task("snap").runner.get());
  ASSERT_NE(snap, nullptr);
  EXPECT_EQ(snap->variant, ScanSnapSpec::Variant::reparam);  // a model key did not make it a transformer
}

TEST(SetOverride, ReadmeExamplesLoad) {
  EXPECT_EQ(problems({"model.causal=true", "model.readout=last"}, "", "lang"), "");
  EXPECT_EQ(problems({"optimizer.lr=0.001"}), "");
  EXPECT_EQ(problems({"training.steps=7"}), "");
}

TEST(SetOverride, TrainScopeIsTheNamedTaskOnly) {
  // grokking has no model.readout: with the whole file in scope it is skipped there, with the
  // task named nothing else is touched (a bad value elsewhere would otherwise be reported).
  const auto f = parse_task_file(kMixed, "t.yaml", {"train.size=3"}, 0, "", "lang");
  EXPECT_EQ(language_spec(f.task("lang")).train.size, 3);
  EXPECT_EQ(language_spec(f.task("other")).train.size, 20);
  EXPECT_EQ(problems({"model.d_model=0"}, "", "grok"),
            "--set model.d_model=0: field 'tasks.grok.model.d_model': must be positive\n");
}

TEST(SetOverride, TaskQualifiedFormSetsOneTask) {
  const auto f = parse_task_file(kMixed, "t.yaml", {"lang.optimizer.lr=0.5"});
  EXPECT_DOUBLE_EQ(language_spec(f.task("lang")).optimizer.lr, 0.5);
  EXPECT_DOUBLE_EQ(language_spec(f.task("other")).optimizer.lr, OptimizerOptions{}.lr);
  EXPECT_EQ(problems({"snap.optimizer.lr=0.5"}), "--set snap.optimizer.lr: task 'snap' (scan_snap) has no key 'optimizer.lr'\n");
  EXPECT_EQ(problems({"other.seed=3"}), "--set other.seed: task 'other' is not in suite 'all'\n");
}

TEST(SetOverride, UnknownKeyIsReportedOnceAtTheCommandLine) {
  EXPECT_EQ(problems({"optimizer.nosuch=1"}),
            "--set optimizer.nosuch: no task of suite 'all' has this key (kinds there: grokking, language, scan_snap)\n");
  EXPECT_EQ(problems({"model.readout=last"}, "", "grok"),
            "--set model.readout: no task of task 'grok' has this key (kinds there: grokking)\n");
  EXPECT_EQ(problems({"model.d_model"}), "--set model.d_model: expected [TASK.]key.path=value, e.g. model.d_model=64\n");
  EXPECT_EQ(problems({"model.d_model=[1"}).rfind("--set model.d_model: the value is not YAML", 0), 0u);
}

TEST(SetOverride, BadValueIsLocatedAtTheCommandLine) {
  // Reported once per task that has the key, naming the task's field.
  EXPECT_EQ(problems({"lang.optimizer.lr=-1"}), "--set lang.optimizer.lr=-1: field 'tasks.lang.optimizer.lr': must be positive\n");
  // Set in several tasks: one line naming the fields.
  EXPECT_EQ(problems({"optimizer.lr=-1"}),
            "--set optimizer.lr=-1: must be positive (fields tasks.lang.optimizer.lr, tasks.grok.optimizer.lr)\n");
  EXPECT_EQ(problems({"model.activation=tanh"}, "", "lang"),
            "--set model.activation=tanh: field 'tasks.lang.model.activation': 'tanh' is not one of relu, gelu\n");
}

}  // namespace
}  // namespace saturn
