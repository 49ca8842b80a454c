// The next_symbols head's `loss: mse` (sigmoid outputs, squared error: Bhattamishra et al. 2020):
// every parameter's gradient against central differences in double on the protocol's model
// (1 layer, 1 head, post-LN, causal, no positions), the loss and gradients of a layer-free model
// against PyTorch, and the default (bce) left as it was.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "tiny_model.h"

namespace saturn {
namespace {

ModelConfig protocol_config(LossKind loss) {
  testing::Variant v;
  v.ln = LayerNormMode::post;
  v.pos = Positional::none;
  v.head = HeadKind::next_symbols;
  v.causal = true;
  v.act = Activation::relu;
  ModelConfig c = testing::tiny_config(v, 8, 1, 1, 12);
  c.loss = loss;
  return c;
}

TEST(MseLoss, EveryParameterMatchesCentralDifferences) {
  const auto cfg = protocol_config(LossKind::mse);
  auto m = testing::random_model<double>(cfg, 5);
  const Batch batch = testing::random_batch(cfg, {3, 1, 6, 0}, 9);
  const auto r = testing::check_model_gradients(m, batch);
  EXPECT_TRUE(r.ok) << r.message;
}

TEST(MseLoss, DiffersFromBceAndIsTheMeanSquaredErrorOfTheSigmoid) {
  auto mse_cfg = protocol_config(LossKind::mse), bce_cfg = protocol_config(LossKind::bce);
  const auto m_mse = testing::random_model<double>(mse_cfg, 5);
  auto m_bce = testing::random_model<double>(bce_cfg, 5);
  ASSERT_EQ(m_mse.params, m_bce.params);
  const Batch batch = testing::random_batch(mse_cfg, {4, 2}, 3);
  Workspace<double> ws;
  const double bce = forward(m_bce, batch, ws).loss;
  const double mse = forward(m_mse, batch, ws).loss;
  // The same logits, recomputed into both losses by hand (mean over T x O, then over strings).
  double want_mse = 0, want_bce = 0;
  const long O = mse_cfg.n_outputs;
  for (int i = 0; i < batch.size(); ++i) {
    const auto z = output_logits(batch, ws, i);
    double s_mse = 0, s_bce = 0;
    for (long t = 0; t < z.rows(); ++t)
      for (long o = 0; o < O; ++o) {
        const double y = batch.targets[static_cast<std::size_t>((batch.offsets[static_cast<std::size_t>(i)] + t) * O + o)];
        const double p = 1 / (1 + std::exp(-z(t, o)));
        s_mse += (p - y) * (p - y);
        s_bce += -(y * std::log(p) + (1 - y) * std::log(1 - p));
      }
    want_mse += s_mse / static_cast<double>(z.rows() * O);
    want_bce += s_bce / static_cast<double>(z.rows() * O);
  }
  EXPECT_NEAR(mse, want_mse / batch.size(), 1e-12);
  EXPECT_NEAR(bce, want_bce / batch.size(), 1e-12);
  EXPECT_GT(std::abs(mse - bce), 0.05);
}

// No layers, no layer norm: logits = E[token] W^T + b. PyTorch (float64, /usr/bin/python3):
//   E = [[0.5,-1,0.25],[1.5,0.3,-0.7],[-0.2,0.8,0.4]] (a, b, <bos>); W = [[1,-0.5,0.2],[0.3,0.9,-1.1],
//   [-0.6,0.4,0.7]]; b = [0.1,-0.2,0.05]; strings <bos>ab with targets [[1,0,0],[1,1,0],[0,0,1]] and
//   <bos>b with [[1,0,0],[0,1,1]]; loss = mean over strings of MSELoss()(sigmoid(E[s] W^T + b), t);
//   loss.backward()
TEST(MseLoss, LossAndGradientsMatchPyTorch) {
  ModelConfig c;
  c.tokens = {"a", "b", "<bos>"};
  c.vocab = 3;
  c.bos_id = 2;
  c.d_model = 3;
  c.n_heads = 1;
  c.n_layers = 0;
  c.d_ff = 4;
  c.layer_norm = LayerNormMode::none;
  c.positional = Positional::none;
  c.head = HeadKind::next_symbols;
  c.n_outputs = 3;
  c.max_len = 4;
  c.loss = LossKind::mse;
  Model<double> m(c);
  const std::vector<double> E{0.5, -1.0, 0.25, 1.5, 0.3, -0.7, -0.2, 0.8, 0.4};
  const std::vector<double> W{1.0, -0.5, 0.2, 0.3, 0.9, -1.1, -0.6, 0.4, 0.7};
  const std::vector<double> bias{0.1, -0.2, 0.05};
  std::copy(E.begin(), E.end(), m.param("embed.weight"));
  std::copy(W.begin(), W.end(), m.param("head.weight"));
  std::copy(bias.begin(), bias.end(), m.param("head.bias"));
  Batch batch;
  batch.add_string(c, {0, 1});
  batch.add_string(c, {1});
  batch.labels = {1, 1};
  batch.targets = {1, 0, 0, 1, 1, 0, 0, 0, 1, /* second string */ 1, 0, 0, 0, 1, 1};
  Workspace<double> ws;
  std::vector<double> g(m.params.size(), 0.0);
  EXPECT_NEAR(forward(m, batch, ws).loss, 0.4024312988032691, 1e-14);
  backward(m, batch, ws, g.data());
  auto grad = [&](const char* name) {
    const auto& s = m.table.at(name);
    return std::vector<double>(g.begin() + static_cast<long>(s.offset), g.begin() + static_cast<long>(s.offset + s.size));
  };
  auto expect_near = [](const std::vector<double>& got, const std::vector<double>& want) {
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-14) << i;
  };
  expect_near(grad("head.weight"), {0.06049043238080424, -0.016228398216617985, -0.04288931692901836,
                                    -0.001562471322916776, 0.04572273352796587, 0.004197618447836237,
                                    -0.059790402647029506, 0.011463175867559043, 0.0453657628627107});
  expect_near(grad("head.bias"), {-0.008388699797099487, 0.028651341605723912, 0.013402722768742324});
  expect_near(grad("embed.weight"), {-0.015445703713183085, -0.0070961642521859694, 0.022654138722123626,
                                     0.06184761116238207, -0.025607033631217177, -0.028621668226210116,
                                     -0.05423683842582669, 0.06804484433460134, -0.017844780283510088});
}

TEST(MseLoss, OnlyTheNextSymbolsHeadAcceptsIt) {
  testing::Variant v;
  ModelConfig c = testing::tiny_config(v);  // classify
  c.loss = LossKind::mse;
  EXPECT_THROW(c.validate(), Error);
}

}  // namespace
}  // namespace saturn
