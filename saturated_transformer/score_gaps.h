// Score gaps per head (issue 11 section 2): how far each attention row's maximum stands above the
// other scores, in softmax mode (the model as trained), split by token.
//
// For every query row of every head (rows seeing at least two positions) and the row's maximal
// score m at position j* (the leftmost maximum), two gaps:
//   same token       m minus the best score among the other positions holding the token of j*
//   different token  m minus the best score among the positions holding another token
// (BOS is a token of its own; a row with no such position gives no gap of that kind). Without
// positional information, positions holding the same token have bitwise-equal scores, so the
// same-token gap is 0 and saturation keeps all of them.
//
// Diagnosis of a head:
//   tied          every different-token gap is within the tie rule: scores do not depend on the
//                 token, saturated attention is as uniform as softmax (a saturation-proof counter)
//   near-uniform  the median different-token gap is above the tie rule but below `tiny_gap` and
//                 softmax attention is near-uniform (mean entropy / log(visible) >= uniform_entropy):
//                 the head counts with near-uniform weights, and saturation keeps only the
//                 top-scoring token's positions, so the count is lost
//   separated     otherwise
#pragma once

#include <string>
#include <vector>

#include "core/word.h"
#include "saturated_transformer/model_weights.h"

namespace saturn {

struct ScoreGapOptions {
  // Histogram bin edges (logits); the last bin is [edges.back(), infinity).
  std::vector<double> edges{0, 1e-9, 1e-6, 1e-4, 1e-3, 1e-2, 1e-1, 0.5, 1, 2, 5, 10, 100};
  double tiny_gap = 0.5;         // near-uniform: median different-token gap below this ...
  double uniform_entropy = 0.9;  // ... and softmax normalised entropy at least this
};

struct HeadScoreGaps {
  int layer = 0, head = 0;
  std::vector<long> same, different;  // histograms over ScoreGapOptions::edges
  long n_same = 0, n_different = 0;
  double median_same = 0, median_different = 0;  // 0 when there are no gaps of the kind
  double normalised_entropy = 0;  // mean over rows of entropy / log(visible) of softmax weights
  std::string diagnosis;          // tied | near-uniform | separated
};

std::vector<HeadScoreGaps> score_gaps(const ModelWeights& model, const std::vector<Word>& inputs,
                                      const ScoreGapOptions& options = {});

// A sentence about the head for the command line and reports, e.g. "counts with near-uniform
// weights: median gap between different tokens 0.031 logits; saturation keeps only the top token".
std::string describe(const HeadScoreGaps& g);

}  // namespace saturn
