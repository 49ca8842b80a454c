// A task of the registry (`tasks.yaml`): a language, an objective, training and test splits.
// Plain structs: only harness/task_file.cpp reads YAML.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "harness/length_range.h"
#include "transformer/config.h"
#include "transformer/optimizer.h"
#include "transformer/schedule.h"

namespace saturn {

class TaskKind;  // harness/experiment.h

enum class Objective { recognize, next_symbols, lm };
const char* objective_name(Objective o);

// How negatives are drawn: fractions of uniform non-members and near misses (sum 1).
struct NegativeMix {
  double uniform = 1.0;
  double near_miss = 0.0;
};

struct SplitSpec {
  LengthRange lengths;
  int size = 0;
};

// The `model:` section; vocab, tokens, BOS and outputs are derived from the language and head.
struct ModelSpec {
  ModelConfig config;
  bool head_set = false;     // otherwise from the objective
  bool max_len_set = false;  // otherwise 1 + the longest length of any split
};

// The `training:` section.
struct TrainingSpec {
  int steps = 300;
  int batch_size = 32;
  Schedule schedule;
  int log_every = 50;
  int eval_every = 0;
  int checkpoint_every = 0;
  std::uint64_t seed = 1;  // initialisation and batch order
  int eval_batch_size = 64;
  bool seed_set = false;   // otherwise the task's seed
};

// The `analysis:` section of a language task: what `saturn run` does after training.
struct AnalysisSpec {
  std::vector<std::string> modes{"softmax"};  // evaluation modes (results.csv rows per mode x bin)
  bool heads = false;         // head analysis (support sizes per head) on the first test bin
  int study_power = 0;        // > 0: saturation study, temperature/scale 2^0..2^study_power (saturated_transformer/saturation_study.h)
  int verify_length = 0;      // exhaustive verification of each mode up to this length (0: none) ...
  std::uint64_t verify_budget = 1u << 16;  // ... or the longest length whose words all fit this budget
  int saturation_every = 0;   // every k steps: how often saturated decisions equal the trained ones
  int saturation_strings = 200;  // ... on this many test strings
};

struct TaskSpec {
  std::string name;
  std::string language;                 // compact language spec, e.g. "dyck:k=2"
  Objective objective = Objective::recognize;
  SplitSpec train;                      // training lengths and number of strings
  std::vector<SplitSpec> test_bins;     // one split per length bin
  NegativeMix negatives;
  double positive_fraction = 0.5;       // recognize: fraction of members in each split
  std::uint64_t seed = 1;                // data
  ModelSpec model;
  OptimizerOptions optimizer;
  TrainingSpec training;
  AnalysisSpec analysis;
  std::string kind = "language";         // language | scan_snap | grokking
  std::shared_ptr<const TaskKind> runner;  // runs one point (set for every parsed task)
  // Where the task was defined (for messages).
  std::string file;
  int line = 0;
};

// One point of a task's sweep: one run with its own folder.
struct RunPoint {
  std::string id;  // folder below the suite's output: "dyck1", or "dyck1/optimizer.lr=0.001,seed=2"
  std::vector<std::pair<std::string, std::string>> params;  // sweep key -> value label, in sweep order
  std::string config_yaml;  // the task as resolved (defaults, --set and the point applied)
  TaskSpec task;            // parsed; task.runner executes it
};

struct TaskFile {
  std::string path;
  std::vector<TaskSpec> tasks;                             // in file order (sweeps not applied)
  std::map<std::string, std::vector<std::string>> suites;  // suite -> task names
  std::map<std::string, std::vector<RunPoint>> points;     // task -> its sweep points, in order

  const TaskSpec& task(const std::string& name) const;               // throws saturn::Error
  std::vector<const TaskSpec*> suite(const std::string& name) const;  // throws saturn::Error
  // Every run of a suite: its tasks in order, each task's points in sweep order.
  std::vector<const RunPoint*> runs(const std::string& suite) const;  // throws saturn::Error
};

}  // namespace saturn
