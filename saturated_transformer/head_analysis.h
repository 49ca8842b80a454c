// Head analysis (Merrill et al. 2021, section on saturated heads): over a sample of inputs, for
// every layer and head, how many positions each query attends to, against how many it can see.
//
// A position counts as attended when its weight exceeds `threshold` (1e-5) in `support_mode`
// (scaled:1000, as Merrill et al.; `saturated` gives the exact tie sets). A head is
//   local    when >= 95% of queries attend to at most `local_max` (2) positions,
//   uniform  when >= 90% of queries attend to at least 90% of the positions they can see,
//   global   when the support grows with the visible length (Pearson correlation >= 0.5),
//   mixed    otherwise.
// Attention entropy (nats) in softmax mode is reported beside it.
#pragma once

#include <string>
#include <vector>

#include "core/word.h"
#include "saturated_transformer/eval_mode.h"
#include "saturated_transformer/model_weights.h"

namespace saturn {

struct HeadStats {
  int layer = 0, head = 0;
  std::string kind;                  // local | uniform | global | mixed
  double mean_support = 0;           // positions attended per query
  double split_probability = 0;      // P(support > 1)
  double std_support = 0;
  double support_length_correlation = 0;  // Pearson(support, visible positions)
  double mean_entropy = 0;           // softmax mode, nats
  std::vector<long> support_histogram;     // [k] = queries attending to k positions
  std::vector<double> mean_support_by_visible;  // [n] = mean support of queries seeing n positions (0 if none)
};

struct HeadAnalysisOptions {
  EvalMode support_mode = EvalMode::scaled(1000);
  double threshold = 1e-5;
  int local_max = 2;
};

std::vector<HeadStats> analyse_heads(const ModelWeights& model, const std::vector<Word>& inputs,
                                     const HeadAnalysisOptions& options = {});

}  // namespace saturn
