// The model's forward-only attention modes (saturated, hard, temperature 4) against the PyTorch
// reference outputs in tests/data/ (python/torch_reference.py), in double.
#include <gtest/gtest.h>

#include <cmath>

#include "tests/support/torch_vectors.h"
#include "transformer/model.h"

namespace saturn {
namespace {

TEST(TorchVectors, AttentionModesMatchTheReferenceOutputs) {
  const auto cases = testing::torch_cases();
  ASSERT_GE(cases.size(), 6u);
  const std::vector<std::pair<std::string, AttentionMode>> modes = {
      {"saturated", {AttentionKind::saturated, 1.0, 1e-9}},
      {"hard", {AttentionKind::hard, 1.0, 1e-9}},
      {"temperature:4", {AttentionKind::temperature, 4.0, 1e-9}},
  };
  for (const auto& c : cases) {
    Model<double> m(c.config);
    for (const auto& spec : m.table.specs()) {
      const auto& p = c.tensor("param." + spec.name);
      ASSERT_EQ(p.size(), spec.size) << c.name << " " << spec.name;
      std::copy(p.begin(), p.end(), m.params.begin() + static_cast<std::ptrdiff_t>(spec.offset));
    }
    Workspace<double> ws;
    for (const auto& [name, mode] : modes) {
      forward(m, c.batch, ws, mode);
      const auto& want = c.tensor("outputs." + name);
      std::vector<double> got;
      if (c.config.head == HeadKind::classify) {
        for (int i = 0; i < c.batch.size(); ++i) got.push_back(ws.readout_logits[i]);
      } else {
        for (long r = 0; r < c.batch.num_tokens(); ++r)
          for (long o = 0; o < c.config.n_outputs; ++o) got.push_back(ws.logits(r, o));
      }
      ASSERT_EQ(got.size(), want.size()) << c.name << " " << name;
      for (std::size_t j = 0; j < got.size(); ++j)
        EXPECT_NEAR(got[j], want[j], 1e-9 * (1 + std::abs(want[j]))) << c.name << " " << name << " output " << j;
    }
    // The modes really differ from softmax on these vectors (otherwise the check says little).
    const auto& soft = c.tensor("outputs.softmax");
    const auto& hard = c.tensor("outputs.hard");
    double gap = 0;
    for (std::size_t j = 0; j < soft.size(); ++j) gap = std::max(gap, std::abs(soft[j] - hard[j]));
    EXPECT_GT(gap, 1e-6) << c.name;
  }
}

}  // namespace
}  // namespace saturn
