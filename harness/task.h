// A task of the registry (`tasks.yaml`): a language, an objective, training and test splits.
// Plain structs: only harness/task_file.cpp reads YAML.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "harness/length_range.h"
#include "transformer/config.h"
#include "transformer/optimizer.h"
#include "transformer/schedule.h"

namespace saturn {

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
  // Where the task was defined (for messages).
  std::string file;
  int line = 0;
};

struct TaskFile {
  std::string path;
  std::vector<TaskSpec> tasks;                             // in file order
  std::map<std::string, std::vector<std::string>> suites;  // suite -> task names

  const TaskSpec& task(const std::string& name) const;               // throws saturn::Error
  std::vector<const TaskSpec*> suite(const std::string& name) const;  // throws saturn::Error
};

}  // namespace saturn
