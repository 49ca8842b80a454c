// The C++ forward and backward equal PyTorch's (python/torch_reference.py) on the vectors in
// tests/data/ (read by tests/support/torch_vectors.h), in double: loss, outputs and every gradient
// (relative error <= 1e-5), and the forward-only attention modes (saturated, hard, temperature 4).
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

// The outputs of the last forward in the order dump_test_vectors.py writes them: one readout logit
// per string for a classifier, else every position's logits (N, O).
std::vector<double> outputs(const testing::TorchCase& c, const Workspace<double>& ws) {
  std::vector<double> out;
  if (c.config.head == HeadKind::classify) {
    for (int i = 0; i < c.batch.size(); ++i) out.push_back(ws.readout_logits[i]);
  } else {
    for (long r = 0; r < c.batch.num_tokens(); ++r)
      for (long o = 0; o < c.config.n_outputs; ++o) out.push_back(ws.logits(r, o));
  }
  return out;
}

TEST(TorchReference, ForwardAndBackwardMatch) {
  const auto cases = testing::torch_cases();
  ASSERT_GE(cases.size(), 6u);
  for (const auto& c : cases) {
    const auto m = c.model();
    Workspace<double> ws;
    const auto st = forward(m, c.batch, ws);
    EXPECT_NEAR(st.loss, c.tensor("loss")[0], 1e-10 * (1 + std::abs(st.loss))) << c.name;
    // Outputs in softmax mode.
    const auto& want = c.tensor("outputs.softmax");
    const auto got = outputs(c, ws);
    ASSERT_EQ(got.size(), want.size()) << c.name;
    for (std::size_t j = 0; j < got.size(); ++j) EXPECT_NEAR(got[j], want[j], 1e-9) << c.name << " output " << j;
    std::vector<double> grads(m.params.size(), 0.0);
    backward(m, c.batch, ws, grads.data());
    for (const auto& spec : m.table.specs()) {
      const auto& g = c.tensor("grad." + spec.name);
      ASSERT_EQ(g.size(), spec.size) << c.name << " " << spec.name;
      // The key bias has an exactly zero true gradient (softmax ignores a per-row constant): there
      // both sides are rounding noise, so an absolute bound applies.
      double worst = 0;
      for (std::size_t j = 0; j < spec.size; ++j) worst = std::max(worst, std::abs(grads[spec.offset + j] - g[j]));
      EXPECT_TRUE(rel_error(grads.data() + spec.offset, g.data(), spec.size) <= 1e-5 || worst <= 1e-12)
          << c.name << " " << spec.name << " worst " << worst;
    }
  }
}

TEST(TorchReference, AttentionModesMatchTheReferenceOutputs) {
  const auto cases = testing::torch_cases();
  ASSERT_GE(cases.size(), 6u);
  const std::vector<std::pair<std::string, AttentionMode>> modes = {
      {"saturated", {AttentionKind::saturated, 1.0, 1e-9}},
      {"hard", {AttentionKind::hard, 1.0, 1e-9}},
      {"temperature:4", {AttentionKind::temperature, 4.0, 1e-9}},
  };
  for (const auto& c : cases) {
    const auto m = c.model();
    Workspace<double> ws;
    for (const auto& [name, mode] : modes) {
      forward(m, c.batch, ws, mode);
      const auto& want = c.tensor("outputs." + name);
      const auto got = outputs(c, ws);
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

// The loader refuses vectors that do not fit the table, so a renamed or reshaped parameter cannot
// silently go uncompared.
TEST(TorchReference, TheLoaderRefusesParametersTheTableDoesNotHave) {
  const auto cases = testing::torch_cases();
  ASSERT_FALSE(cases.empty());
  auto c = cases.front();
  const auto table = parameter_table(c.config);
  EXPECT_EQ(c.params(table).size(), table.total_size());
  auto extra = c;
  extra.file.tensors["param.layers.9.attn.q.weight"] = extra.file.tensors.at("param." + table.specs().front().name);
  EXPECT_THROW(extra.params(table), std::runtime_error);
  auto missing = c;
  missing.file.tensors.erase("param." + table.specs().back().name);
  EXPECT_THROW(missing.params(table), std::runtime_error);
  auto shorter = c;
  shorter.file.tensors.at("param." + table.specs().front().name).values.pop_back();
  EXPECT_THROW(shorter.params(table), std::runtime_error);
}

}  // namespace
}  // namespace saturn
