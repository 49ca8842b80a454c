// The `language` kind's settings: a language, an objective, training and test splits, a model,
// an optimizer, training and the analyses run after it. Plain structs, parsed from tasks.yaml by
// parse_language_task (harness/kinds/language/spec.cpp).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "harness/kinds/language/bhattamishra_targets.h"
#include "harness/length_range.h"
#include "harness/sections.h"
#include "transformer/optimizer.h"

namespace YAML {
class Node;
}

namespace saturn {

class TaskKind;   // harness/task_kind.h
class Validator;  // harness/yaml_validator.h
struct Task;      // harness/task.h
struct RunRecord; // harness/task_kind.h

enum class Objective { recognize, next_symbols, lm };
const char* objective_name(Objective o);

// How negatives are drawn: fractions of uniform non-members and near misses (sum 1), and where.
struct NegativeMix {
  double uniform = 1.0;
  double near_miss = 0.0;
  // false (tasks.yaml `negatives.length_shortcut: forbidden`, the default): every negative has a
  // length with members, paired with a positive of that length (splits.h), so no negative can be
  // rejected by its length alone; true (`allowed`): uniform negatives at any length with non-members.
  bool length_shortcut = false;
};

struct SplitSpec {
  LengthRange lengths;
  int size = 0;
};

// The `analysis:` section of a language task: what `saturn run` does after training.
struct AnalysisSpec {
  std::vector<std::string> modes{"softmax"};  // evaluation modes (results.csv rows per mode x bin)
  bool heads = false;         // head analysis (support sizes per head) on the first test bin
  int study_power = 0;        // > 0: saturation study, temperature/scale 2^0..2^study_power (saturated_transformer/saturation_study.h)
  int verify_length = 0;      // exhaustive verification of each mode up to this length (0: none) ...
  std::uint64_t verify_budget = 1u << 16;  // ... or the longest length whose words all fit this budget
  int saturation_every = 0;   // every k steps: how often saturated decisions equal the trained ones
  int saturation_strings = 200;  // ... on this many test strings (also: strings per bin of the analyses below)
  // Saturation robustness (saturated_transformer/robustness.h, score_gaps.h), tidy files in the
  // run folder (saturated_transformer/saturation_files.h); all off by default (CI suites stay fast):
  int robustness_power = 0;   // > 0: accuracy per test bin under scaled:RHO and temperature:C, 2^0..2^p, and the critical scales (robustness.csv)
  bool head_ablation = false; // each head saturated alone / softmax alone (heads.csv), heads that break the model
  bool score_gaps = false;    // per head, gaps between the row maximum and the best other score (score_gaps.csv)
  int attention_strings = 0;  // attention.json: weights of this many test strings in softmax and saturated mode
};

// A language task.
struct TaskSpec {
  std::string name;
  std::string language;                 // compact language spec, e.g. "dyck:k=2"
  Objective objective = Objective::recognize;
  SplitSpec train;                      // training lengths and number of strings
  std::vector<SplitSpec> test_bins;     // one split per length bin
  NegativeMix negatives;
  double positive_fraction = 0.5;       // recognize: fraction of members in each split
  // next_symbols: the per-prefix target convention (bhattamishra_targets.h); any but next_symbols
  // counts a string correct when every output at every position is right, in every mode.
  TargetConvention targets = TargetConvention::next_symbols;
  // > 0: training is this many passes over the train split in its order (replacing
  // training.steps), evaluated after each pass; the run records every pass's accuracy per split
  // and mode (epochs.jsonl) and the best one (scalars best_<mode>_<split>, best_epoch_<mode>_<split>).
  int epochs = 0;
  std::uint64_t seed = 1;                // data
  ModelSpec model;
  OptimizerOptions optimizer;
  TrainingSpec training;
  AnalysisSpec analysis;
  // Where the task was defined (for messages).
  std::string file;
  int line = 0;
};

// Parses a language task's node (keys missing there are looked up in the file's `defaults:`
// section; `task` gives the name, file and line) and checks that every split can produce
// examples. Returns null when there were problems (reported through the Validator).
std::shared_ptr<const TaskKind> parse_language_task(Validator& v, const YAML::Node& node, const YAML::Node& defaults,
                                                    const Task& task);

// Whether a language task (its node) has the dotted config key `key`, i.e. whether `--set` applies
// to it (harness/task_file.h).
bool language_has_key(const YAML::Node& node, const std::vector<std::string>& key);
// The runnable language kind for a spec (tests and tools that build a TaskSpec by hand).
std::shared_ptr<const TaskKind> make_language_kind(const TaskSpec& task);

// The spec of a parsed language task: null for other kinds.
const TaskSpec* language_spec(const TaskKind* kind);
// The same for a task of the file; throws saturn::Error naming the task when it is of another kind.
const TaskSpec& language_spec(const Task& task);

// The report.html section of the language runs (harness/kinds/language/report.cpp): accuracy per
// length bin and mode, parameter norm vs step with the fitted exponent, the saturation agreement
// as the norm grows, saturation-study curves and support-size histograms per head.
std::string report_section_language(const std::vector<RunRecord>& runs);

}  // namespace saturn
