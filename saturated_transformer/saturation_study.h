// The saturation study of a model on labelled test sets (Merrill et al. 2021):
//  - accuracy per test set in the given modes (default softmax, saturated and hard);
//  - agreement of temperature:C and scaled:RHO with saturated as C, RHO = 2^0 .. 2^max_power grow,
//    and the grid point from which every decision stays the same (where decisions stop changing);
//  - an input where scaled:2^max_power and saturated still disagree, if any;
//  - Merrill et al.'s saturation score: per layer, the cosine similarity of the representations
//    under softmax and scaled:1000, averaged over positions and inputs.
#pragma once

#include <string>
#include <vector>

#include "core/word.h"
#include "saturated_transformer/eval_mode.h"
#include "saturated_transformer/model_weights.h"

namespace saturn {

class Evaluator;  // saturated_transformer/evaluator.h

struct LabelledSet {
  std::string name;            // e.g. "test_52..100"
  std::vector<Word> words;
  std::vector<bool> members;   // oracle labels
  int min_length = 0, max_length = 0;  // the length range the set was drawn from (for tidy output)
};

struct ModeAccuracy {
  std::string mode;
  std::vector<double> accuracy;  // per set
};

struct AgreementCurve {
  std::string family;                // "temperature" or "scaled"
  std::vector<double> values;        // C or RHO: 2^0 .. 2^max_power
  std::vector<double> agreement;     // fraction of inputs deciding like saturated
  double stable_from = 0;            // smallest grid value from which no decision changes (up to the largest)
  std::string disagreement_example;  // an input deciding unlike saturated at the largest value
};

struct SaturationReport {
  std::vector<std::string> sets;
  std::vector<ModeAccuracy> accuracy;       // one per SaturationOptions::modes, in that order
  std::vector<AgreementCurve> curves;       // temperature, scaled
  std::vector<double> saturation_by_layer;  // cosine(softmax, scaled:1000) per layer output
};

struct SaturationOptions {
  std::vector<EvalMode> modes{EvalMode::softmax(), EvalMode::saturated(), EvalMode::hard()};  // accuracy rows
  int max_power = 20;          // grid 2^0 .. 2^max_power
  double saturation_scale = 1000;
  std::size_t max_inputs = 2000;  // inputs used for curves and the saturation score (first ones of each set)
};

SaturationReport saturation_study(const ModelWeights& model, const Alphabet& alphabet,
                                  const std::vector<LabelledSet>& sets, const SaturationOptions& options = {});

// Whether `ev` accepts each word (1) or not (0), evaluated in parallel; each word owns its slot,
// so the result does not depend on the thread count.
std::vector<char> decide(const Evaluator& ev, const std::vector<const Word*>& words);

}  // namespace saturn
