// Saturation robustness of a trained model (issue 11 section 2): how accuracy — not agreement —
// falls as attention saturates, and which heads cannot be saturated.
//
//   scale curves   accuracy per labelled set under scaled:RHO and temperature:C for RHO, C on the
//                  grid 2^0 .. 2^max_power. The critical scale of a family is the smallest grid
//                  point from which the pooled accuracy (all sets together) stays below the
//                  threshold up to the largest grid point (0: it never does); the default
//                  threshold is halfway between the softmax accuracy and chance.
//   head ablation  for every (layer, head): that head saturated and every other head softmax
//                  (saturate_one), and the reverse (softmax_one: that head softmax, the rest
//                  saturated). A head *breaks* the model when saturate_one's pooled accuracy is
//                  below the threshold.
//
// A model whose softmax accuracy is not above chance has no critical scale and no breaking heads.
// Chance: the share of the more frequent label over all sets when both labels occur; 0 when only
// one does (next-symbol and lm tasks test members only, and a string is accepted only when every
// output at every position is right, which a model guessing at random almost never is).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "saturated_transformer/eval_mode.h"
#include "saturated_transformer/model_weights.h"
#include "saturated_transformer/saturation_study.h"

namespace saturn {

struct RobustnessOptions {
  int max_power = 20;                               // grid 2^0 .. 2^max_power
  std::vector<std::string> families{"scaled", "temperature"};  // curves to compute
  bool heads = true;                                // per-head ablation
  EvalMode saturated = EvalMode::saturated();       // what "saturated" means in the ablations
  double threshold = -1;                            // < 0: (softmax accuracy + chance) / 2
  std::size_t max_per_set = 500;                    // words used per set (its first ones)
  std::function<void(std::string_view)> progress;   // called with one line per finished step (optional)
};

struct ScaleCurve {
  std::string family;                       // "scaled" or "temperature"
  std::vector<double> scales;               // 2^0 .. 2^max_power
  std::vector<std::vector<double>> accuracy;  // [scale][set]
  std::vector<double> pooled;               // [scale] accuracy over all sets together
  double critical_scale = 0;                // 0: accuracy does not stay below the threshold
};

struct HeadAblation {
  int layer = 0, head = 0;
  std::vector<double> saturate_one;  // [set] this head saturated, every other head softmax
  std::vector<double> softmax_one;   // [set] this head softmax, every other head saturated
  double saturate_one_pooled = 0, softmax_one_pooled = 0;
  bool breaks = false;               // saturate_one_pooled < threshold
};

struct RobustnessReport {
  std::vector<std::string> sets;
  std::vector<std::size_t> sizes;           // words used per set
  std::vector<int> min_length, max_length;  // per set (LabelledSet's range)
  std::vector<double> softmax, saturated;   // per set: every head softmax / every head saturated
  double softmax_pooled = 0, saturated_pooled = 0;
  double chance = 0, threshold = 0;
  std::vector<ScaleCurve> curves;
  std::vector<HeadAblation> heads;          // layer-major
};

// Chance accuracy of labelled sets (see above).
double chance_accuracy(const std::vector<LabelledSet>& sets);

// The smallest scales[i] such that accuracy[j] < threshold for every j >= i; 0 when the last
// accuracy is not below the threshold. Scales and accuracies have the same length.
double critical_scale(const std::vector<double>& scales, const std::vector<double>& accuracy, double threshold);

RobustnessReport robustness_study(const ModelWeights& model, const std::vector<LabelledSet>& sets,
                                  const RobustnessOptions& options = {});

}  // namespace saturn
