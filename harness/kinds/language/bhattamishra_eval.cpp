#include "harness/kinds/language/bhattamishra_eval.h"


#include "core/parallel.h"
#include "saturated_transformer/evaluator.h"

namespace saturn {

namespace {
constexpr std::size_t kGrainStrings = 16;  // strings per task
}  // namespace

double all_outputs_accuracy(const ModelWeights& w, const EvalMode& mode, const Language& lang, TargetConvention targets,
                            const Split& split) {
  if (split.examples.empty()) return 0.0;
  const Evaluator ev(w, mode);
  const long O = w.config.n_outputs;
  std::vector<char> right(split.examples.size(), 0);
  parallel_chunks(0, split.examples.size(), kGrainStrings, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t i = lo; i < hi; ++i) {
      const Word& word = split.examples[i].word;
      const auto r = ev.run(word);
      const auto y = prefix_targets(targets, lang, word);
      bool all = true;
      for (long t = 0; t < r.logits.rows() && all; ++t)
        for (long o = 0; o < O && all; ++o) all = (r.logits(t, o) > 0) == (y[static_cast<std::size_t>(t * O + o)] > 0.5f);
      right[i] = all;
    }
  });
  std::size_t correct = 0;
  for (char c : right) correct += c != 0;
  return static_cast<double>(correct) / static_cast<double>(split.examples.size());
}

}  // namespace saturn
