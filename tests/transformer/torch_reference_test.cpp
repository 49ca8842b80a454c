// The C++ forward and backward equal PyTorch's (python/torch_reference.py) on the vectors in
// tests/data/ (read by tests/support/torch_vectors.h), in double: loss, outputs and every gradient
// (relative error <= 1e-5), the forward-only attention modes (saturated, saturated:TOL, hard,
// hard_left, hard_right, temperature 4) and scaled:RHO (parameters times RHO).
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <stdexcept>
#include <string>

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

// The attention mode of a vector file's mode name: saturated, saturated:TOL (absolute band),
// hard / hard_left, hard_right, temperature:C. (The mode strings are parsed by EvalMode in
// saturated_transformer/, which this library does not depend on; this reads only what the
// vectors hold.) scaled:RHO is not an attention mode: see ScaledParametersMatch.
AttentionMode attention_mode(const std::string& name) {
  const auto colon = name.find(':');
  const std::string kind = name.substr(0, colon);
  const double value = colon == std::string::npos ? 0.0 : std::stod(name.substr(colon + 1));
  if (kind == "saturated" && colon == std::string::npos) return {AttentionKind::saturated, 1.0, TieBand::relative()};
  if (kind == "saturated") return {AttentionKind::saturated, 1.0, TieBand::absolute_width(value)};
  if (kind == "hard" || kind == "hard_left") return {AttentionKind::hard_left, 1.0, TieBand::relative()};
  if (kind == "hard_right") return {AttentionKind::hard_right, 1.0, TieBand::relative()};
  if (kind == "temperature") return {AttentionKind::temperature, value, TieBand::relative()};
  throw std::runtime_error("no attention mode for " + name);
}

TEST(TorchReference, AttentionModesMatchTheReferenceOutputs) {
  const auto cases = testing::torch_cases();
  ASSERT_GE(cases.size(), 6u);
  std::set<std::string> seen;
  for (const auto& c : cases) {
    const auto m = c.model();
    Workspace<double> ws;
    for (const auto& [tensor, _] : c.file.tensors) {
      if (tensor.rfind("outputs.", 0) != 0) continue;
      const std::string name = tensor.substr(8);
      if (name == "softmax" || name.rfind("scaled:", 0) == 0) continue;
      const auto mode = attention_mode(name);
      seen.insert(name.substr(0, name.find(':')));
      forward(m, c.batch, ws, mode);
      const auto& want = c.tensor(tensor);
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
  for (const char* kind : {"saturated", "hard", "hard_left", "hard_right", "temperature"})
    EXPECT_TRUE(seen.count(kind)) << "no vectors for " << kind;
}

// scaled:RHO is f(x; RHO theta): the double model with every parameter times RHO, in softmax.
TEST(TorchReference, ScaledParametersMatch) {
  int compared = 0;
  for (const auto& c : testing::torch_cases()) {
    for (const auto& [tensor, _] : c.file.tensors) {
      if (tensor.rfind("outputs.scaled:", 0) != 0) continue;
      const double rho = std::stod(tensor.substr(15));
      auto m = c.model();
      for (auto& p : m.params) p *= rho;
      Workspace<double> ws;
      forward(m, c.batch, ws);
      const auto& want = c.tensor(tensor);
      const auto got = outputs(c, ws);
      ASSERT_EQ(got.size(), want.size()) << c.name << " " << tensor;
      for (std::size_t j = 0; j < got.size(); ++j)
        EXPECT_NEAR(got[j], want[j], 1e-9 * (1 + std::abs(want[j]))) << c.name << " " << tensor << " output " << j;
      ++compared;
    }
  }
  EXPECT_GE(compared, 1);
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
