// The C++ forward and backward equal PyTorch's (python/torch_reference.py) on the vectors in
// tests/data/: loss, outputs and every gradient, relative error <= 1e-5 in double.
#include <gtest/gtest.h>

#include <cmath>

#include "tests/support/torch_vectors.h"
#include "transformer/model.h"

namespace saturn {
namespace {

double rel_error(const double* a, const double* b, std::size_t n) {
  double diff = 0, norm = 0;
  for (std::size_t i = 0; i < n; ++i) diff += (a[i] - b[i]) * (a[i] - b[i]), norm += a[i] * a[i] + b[i] * b[i];
  return norm > 0 ? std::sqrt(diff / norm) : std::sqrt(diff);
}

TEST(TorchReference, ForwardAndBackwardMatch) {
  const auto cases = testing::torch_cases();
  ASSERT_GE(cases.size(), 6u);
  for (const auto& c : cases) {
    Model<double> m(c.config);
    for (const auto& spec : m.table.specs()) {
      const auto& p = c.tensor("param." + spec.name);
      ASSERT_EQ(p.size(), spec.size) << c.name << " " << spec.name;
      std::copy(p.begin(), p.end(), m.params.begin() + static_cast<std::ptrdiff_t>(spec.offset));
    }
    for (const auto& [name, _] : c.file.tensors)
      if (name.rfind("param.", 0) == 0) {
        EXPECT_NE(m.table.find(name.substr(6)), nullptr) << c.name << ": torch has " << name;
      }
    Workspace<double> ws;
    const auto st = forward(m, c.batch, ws);
    EXPECT_NEAR(st.loss, c.tensor("loss")[0], 1e-10 * (1 + std::abs(st.loss))) << c.name;
    // Outputs in softmax mode.
    const auto& want = c.tensor("outputs.softmax");
    if (c.config.head == HeadKind::classify) {
      ASSERT_EQ(want.size(), static_cast<std::size_t>(c.batch.size()));
      for (int i = 0; i < c.batch.size(); ++i) EXPECT_NEAR(ws.readout_logits[i], want[static_cast<std::size_t>(i)], 1e-9) << c.name;
    } else {
      const long N = c.batch.num_tokens(), O = c.config.n_outputs;
      ASSERT_EQ(want.size(), static_cast<std::size_t>(N * O));
      for (long r = 0; r < N; ++r)
        for (long o = 0; o < O; ++o) EXPECT_NEAR(ws.logits(r, o), want[static_cast<std::size_t>(r * O + o)], 1e-9) << c.name;
    }
    std::vector<double> grads(m.params.size(), 0.0);
    backward(m, c.batch, ws, grads.data());
    for (const auto& spec : m.table.specs()) {
      const auto& g = c.tensor("grad." + spec.name);
      // The key bias has an exactly zero true gradient (softmax ignores a per-row constant): there
      // both sides are rounding noise, so an absolute bound applies.
      double worst = 0;
      for (std::size_t j = 0; j < spec.size; ++j) worst = std::max(worst, std::abs(grads[spec.offset + j] - g[j]));
      EXPECT_TRUE(rel_error(grads.data() + spec.offset, g.data(), spec.size) <= 1e-5 || worst <= 1e-12)
          << c.name << " " << spec.name << " worst " << worst;
    }
  }
}

}  // namespace
}  // namespace saturn
