// The `grokking` kind: modular addition (a + b) mod P from the tokens [a, b, =], a 1-layer
// transformer trained full batch with AdamW, after jaisidhsingh/layernorm-grok
// (/work/shared/papers-digest.md section 4): LN placements x readout scale alpha x seeds.
//
// tasks.yaml (every key optional; the defaults are the paper's):
//   kind: grokking
//   seed: 1                        data order and initialisation (training.seed overrides the latter)
//   data: {modulus: 113, train_fraction: 0.3, bos: false}
//   model: {d_model: 128, n_layers: 1, n_heads: 4, d_ff: 512, activation: relu, ln_eps: 0,
//           attn_bias: false, positional: learned, layer_norm: {attn: none, mlp: false, final: false},
//           readout_scale: 1}      (head, readout and max_len are fixed by the kind)
//   optimizer: {kind: adamw, lr: 1e-3, weight_decay: 1.0, beta1: 0.9, beta2: 0.98, eps: 1e-8}
//   training: {steps: 10000, log_every: 100, checkpoint_every: 1000, schedule: constant}
//   record_every: 100              steps between records of grokking.jsonl
//   grok: {accuracy: 0.995, loss: 0.01}   thresholds on the test split
//   grok.stop_after: N             end the run at the first record N or more steps after test
//                                  accuracy and test loss have both met them (default: never)
//   init: {embedding: paper}       paper: token embedding N(0, 1/d_model); saturn: N(0, 0.02^2)
//
// Sequences are exactly [a, b, =] (no <bos>, as in the paper: the maximal attention entropy is
// ln 3); data.bos: true prepends <bos> (maximum ln 4). The lm head's loss and accuracy count only
// the last position (the next tokens of the others are -1, ignored). The vocabulary is
// 0..P-1, "=", "<bos>": the head has P + 2 outputs (the paper's unembedding has P + 1, no bias).
//
// Files in the run folder besides the trainer's (metrics.jsonl, checkpoint/, model/):
//   grokking.jsonl  one record at step 0 and every record_every steps (and the last step):
//     {"step", "param_norm", "train": M, "test": M} with M = {"loss", "accuracy", "entropy",
//      "entropy_of_mean", "entropy_heads": [[per head] per layer], "effective_rank",
//      "stable_rank", "rank"}; entropy = mean over layers, heads and queries of each head's
//     attention entropy (nats); entropy_of_mean = the entropy of the head-averaged attention
//     (PyTorch's need_weights average, the paper's measure); ranks of the pre-logit features at
//     the last position (harness/kinds/grokking/modular_addition.h).
// A killed run resumes from its checkpoint: the trace keeps the records up to the checkpoint's
// step, and the records after it are recomputed from the same (bitwise) states.
//
// Scalars: steps_to_grok_accuracy / steps_to_grok_loss = the first recorded step with test
// accuracy >= grok.accuracy / test loss <= grok.loss, NaN (empty in runs.csv) when never, with
// grokked_accuracy / grokked_loss = 1 or 0; steps_to_train_accuracy (the same on the train
// split: memorisation); final_* of the last record.
//
// Files of this kind: spec.{h,cpp} (settings and their parser), run.cpp (a run), report.cpp
// (its report.html section), modular_addition.{h,cpp} (the data split and the measures).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/sections.h"
#include "harness/task_kind.h"

namespace YAML {
class Node;
}

namespace saturn {

class Validator;  // harness/yaml_validator.h

enum class EmbedInit { paper, saturn };

struct GrokkingSpec {
  std::uint64_t seed = 1;
  int modulus = 113;
  double train_fraction = 0.3;
  bool bos = false;
  ModelSpec model;
  OptimizerOptions optimizer;
  TrainingSpec training;
  int record_every = 100;
  double grok_accuracy = 0.995, grok_loss = 0.01;
  int stop_after = -1;  // >= 0: end the run this many steps after both thresholds were first met
  EmbedInit embed_init = EmbedInit::paper;
};

// The paper's settings (every key of the task is set on top of these).
GrokkingSpec default_grokking_spec();
// The model's configuration: tokens 0..P-1, "=", "<bos>"; lm head read at every position.
ModelConfig grokking_config(const GrokkingSpec& s);

// The name of a layer-norm placement in the paper's notation.
std::string placement_name(const ModelConfig& c);

// Parses a grokking task's node (`field` = "tasks.NAME"); null when there were problems.
std::shared_ptr<const TaskKind> parse_grokking_task(Validator& v, const YAML::Node& node, const std::string& field);
// Whether a grokking task (its node) has the dotted config key `key`, i.e. whether `--set` applies
// to it (harness/task_file.h).
bool grokking_has_key(const YAML::Node& node, const std::vector<std::string>& key);
// The runnable kind for a spec (harness/kinds/grokking/run.cpp).
std::shared_ptr<const TaskKind> make_grokking_kind(GrokkingSpec spec);

// The records of a trace file (grokking.jsonl), in order (a half-written last line is skipped).
std::vector<nlohmann::json> read_grokking_trace(const std::filesystem::path& path);
// r[split][key] of a trace record; NaN when missing.
double trace_value(const nlohmann::json& record, const char* split, const char* key);

// The report.html section of the grokking runs (harness/kinds/grokking/report.cpp): steps to grok
// per LN placement x alpha, accuracy, entropy, ranks.
std::string report_section_grokking(const std::vector<RunRecord>& runs);

}  // namespace saturn
