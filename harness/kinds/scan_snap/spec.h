// The `scan_snap` kind's settings, exposed for the report and tests. Files of this kind: spec.{h,cpp}
// (settings and their parser), run.cpp (a run), report.cpp (its report.html section).
//
//   kind: scan_snap
//   seed: 1                      # initialisation, training data and the held-out test sample
//   variant: reparam             # reparam (Tian et al.'s Model2) | transformer (transformer/)
//   data: {num_last, num_next_per_last, num_common, num_common_per_last, num_unique_per_next,
//          seq_len, unique_min, unique_max}
//   training: {steps, batch, lr_z, lr_ratio, momentum, record_every, freeze_tolerance,
//              init: uniform | zero, attention: weighted | softmax, test_size,
//              embed_std (transformer)}
//   model: reparam | transformer, or (transformer) a model section as in language tasks
//   optimizer: (transformer) an optimizer section as in language tasks
//
// Defaults are the setting of the paper's Fig. 6 (luckmatters scan_snap/figure_6.log): L = 128,
// 2 next tokens per query token, 10 common and 10 distinct tokens per class, batch 128, 100 SGD
// steps with momentum 0.9, torch's uniform initialisation, recorded every 2 steps.
#pragma once

#include <cstdint>
#include <memory>

#include <string>
#include <vector>

#include "harness/sections.h"
#include "harness/task_kind.h"
#include "scan_snap/data.h"

namespace YAML {
class Node;
}

namespace saturn {

class Validator;  // harness/yaml_validator.h

struct ScanSnapSpec {
  enum class Variant { reparam, transformer };
  std::uint64_t seed = 1;
  Variant variant = Variant::reparam;
  scan_snap::DataOptions data;
  int steps = 100;
  int batch = 128;
  double lr_z = 1.0;
  double lr_ratio = 1.0;
  double momentum = 0.9;
  int record_every = 2;
  double freeze_tolerance = 0.01;
  bool zero_init = false;
  bool weighted_attention = true;
  int test_size = 1024;
  double embed_std = 1.0;       // transformer variant: token embeddings N(0, embed_std^2)
  ModelSpec model;              // transformer variant
  OptimizerOptions optimizer;   // transformer variant (lr from lr_z)
  bool momentum_set_in_optimizer = false;

  ScanSnapSpec();
};

// The spec of a parsed scan_snap task (null for other kinds).
const ScanSnapSpec* scan_snap_spec(const TaskKind* kind);

// Parses a scan_snap task's node (`field` = "tasks.NAME"); null when there were problems.
std::shared_ptr<const TaskKind> parse_scan_snap_task(Validator& v, const YAML::Node& node, const std::string& field);
// Whether a scan_snap task (its node) has the dotted config key `key`, i.e. whether `--set` applies
// to it (harness/task_file.h). `model.*` and `optimizer.*` (but not `optimizer.lr`: the rate is
// training.lr_z) only when the task is the transformer variant.
bool scan_snap_has_key(const YAML::Node& node, const std::vector<std::string>& key);
// The runnable kind for a spec (harness/kinds/scan_snap/run.cpp).
std::shared_ptr<const TaskKind> make_scan_snap_kind(ScanSnapSpec spec);

// The report.html section of the scan_snap runs (harness/kinds/scan_snap/report.cpp): attention
// over training, final entropy and freeze step vs rate ratio.
std::string report_section_scan_snap(const std::vector<RunRecord>& runs);

}  // namespace saturn
