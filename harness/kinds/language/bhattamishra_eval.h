// String accuracy under Bhattamishra et al. 2020's criterion in any attention mode: a string is
// right when every output at every position is on the right side of 0.5 (logit > 0 <=> sigmoid >
// 0.5) for its per-prefix targets (bhattamishra_targets.h). The softmax rows of a run come from the
// training code (float), which applies the same criterion; the other modes from the double-precision
// simulator (saturated_transformer/evaluator.h).
#pragma once

#include "harness/kinds/language/bhattamishra_targets.h"
#include "harness/kinds/language/splits.h"
#include "saturated_transformer/eval_mode.h"
#include "saturated_transformer/model_weights.h"

namespace saturn {

// Fraction of the split's strings the model gets right in `mode` (0 for an empty split). Parallel
// over strings; the count does not depend on the number of threads. Cost: one evaluation per string.
double all_outputs_accuracy(const ModelWeights& w, const EvalMode& mode, const Language& lang, TargetConvention targets,
                            const Split& split);

}  // namespace saturn
