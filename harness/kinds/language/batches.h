// Turning a task's splits into model inputs: the model config a task implies (tokens, BOS,
// outputs, max_len), packed batches with the head's targets, and a deterministic data source.
#pragma once

#include <cstdint>
#include <vector>

#include "harness/kinds/language/bhattamishra_targets.h"
#include "harness/kinds/language/splits.h"
#include "harness/kinds/language/spec.h"
#include "languages/language.h"
#include "transformer/trainer.h"

namespace saturn {

// The task's model config completed from the language: tokens = alphabet symbols then <bos>
// (then <eos> for lm), head from the objective unless set, outputs from the head, max_len from
// the longest split when not set. A next_symbols head has the task's target convention's outputs
// (bhattamishra_targets.h).
ModelConfig model_config_for(const TaskSpec& task, const Language& lang);

// One example as model input: its symbols and its targets for the config's head.
struct EncodedExample {
  std::vector<int> symbols;
  float label = 0;             // classify
  std::vector<float> targets;  // next_symbols: (T, n_outputs) by the target convention
  std::vector<int> next_tokens;  // lm: (T)
};
EncodedExample encode(const ModelConfig& c, const Language& lang, const Example& ex,
                      TargetConvention targets = TargetConvention::next_symbols);
void append(const ModelConfig& c, const EncodedExample& e, Batch& b);

// Batches of step t: batch_size examples drawn uniformly (with replacement) by Rng(seed, t); or,
// with `in_order` (a task's `epochs`), passes over the split in its order: batch t holds examples
// [b B, min(n, (b + 1) B)) with b = t mod batches_per_epoch() (the last batch of a pass shorter),
// as Bhattamishra et al.'s Sampler walks their training list.
class SplitDataSource : public DataSource {
 public:
  SplitDataSource(const ModelConfig& c, const Language& lang, const Split& split, int batch_size, std::uint64_t seed,
                  TargetConvention targets = TargetConvention::next_symbols, bool in_order = false);
  void batch(std::int64_t step, Batch& out) const override;
  std::size_t size() const { return examples_.size(); }
  std::int64_t batches_per_epoch() const;  // ceil(n / batch_size)

 private:
  ModelConfig config_;
  std::vector<EncodedExample> examples_;
  int batch_size_;
  std::uint64_t seed_;
  bool in_order_;
};

// A split as an evaluation set in batches of `batch_size`, in order.
EvalSet make_eval_set(const ModelConfig& c, const Language& lang, const Split& split, int batch_size,
                      TargetConvention targets = TargetConvention::next_symbols);

}  // namespace saturn
