// The simulator's evaluator equals the PyTorch reference in softmax, temperature, saturated and
// hard modes on the vectors in tests/data/.
#include <gtest/gtest.h>

#include "saturated_transformer/evaluator.h"
#include "tests/support/torch_vectors.h"
#include "transformer/param_table.h"

namespace saturn {
namespace {

TEST(TorchReference, EvaluatorMatchesEveryMode) {
  for (const auto& c : testing::torch_cases()) {
    const auto table = parameter_table(c.config);
    const auto params = c.params(table);
    const auto weights = to_weights(c.config, table, params.data());
    for (const char* mode : {"softmax", "saturated", "hard", "temperature:4"}) {
      const Evaluator ev(weights, EvalMode::parse(mode));
      const auto& want = c.tensor(std::string("outputs.") + mode);
      std::size_t k = 0;
      for (int i = 0; i < c.batch.size(); ++i) {
        Word w;
        for (int r = c.batch.offsets[static_cast<std::size_t>(i)] + 1; r < c.batch.offsets[static_cast<std::size_t>(i) + 1]; ++r)
          w.push_back(static_cast<Symbol>(c.batch.tokens[static_cast<std::size_t>(r)]));
        const auto r = ev.run(w);
        if (c.config.head == HeadKind::classify) {
          EXPECT_NEAR(r.readout_logit, want[k++], 1e-9) << c.name << " " << mode;
        } else {
          for (long t = 0; t < r.logits.rows(); ++t)
            for (long o = 0; o < r.logits.cols(); ++o) EXPECT_NEAR(r.logits(t, o), want[k++], 1e-9) << c.name << " " << mode;
        }
      }
      EXPECT_EQ(k, want.size()) << c.name << " " << mode;
    }
  }
}

}  // namespace
}  // namespace saturn
