// The saturation analyses as tidy files (one row per observation) and JSON, written by
// `saturn saturate` and by the language kind into each run folder (harness/kinds/language/run.cpp):
//   robustness.csv  family,scale,bin_min,bin_max,accuracy,n          (family: scaled | temperature)
//   heads.csv       layer,head,ablation,bin_min,bin_max,accuracy      (ablation: saturate_one | softmax_one)
//   score_gaps.csv  layer,head,same_token,gap_lo,gap_hi,count         (same_token: 1 | 0; gap_hi inf for the last bin)
//   attention.json  {"strings":[{"text":"abba","mode":"softmax","weights":[layer][head][query][key]}]}
// Numbers are printed in their shortest round-trip form, so equal results give equal bytes.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/word.h"
#include "saturated_transformer/eval_mode.h"
#include "saturated_transformer/model_weights.h"
#include "saturated_transformer/robustness.h"
#include "saturated_transformer/score_gaps.h"

namespace saturn {

std::string robustness_csv(const RobustnessReport& r);
std::string heads_csv(const RobustnessReport& r);
std::string score_gaps_csv(const std::vector<HeadScoreGaps>& gaps, const ScoreGapOptions& options);

// Every result of the study: sets, softmax/saturated accuracy, chance, threshold, curves with
// their critical scales, head ablations.
nlohmann::ordered_json robustness_json(const RobustnessReport& r);
// Per head: diagnosis, medians, counts, entropy, and the sentence of describe().
nlohmann::ordered_json score_gaps_json(const std::vector<HeadScoreGaps>& gaps);

// Attention weights of each word in each mode, rounded to 6 decimals (the file stays small).
nlohmann::ordered_json attention_json(const ModelWeights& model, const Alphabet& alphabet, const std::vector<Word>& words,
                                      const std::vector<EvalMode>& modes);

}  // namespace saturn
