// Central finite differences in double precision for every parameter (tests/support/gradcheck.h),
// over every combination of layer_norm x positional x head x causal on a tiny model (d = 8,
// 2 heads, 2 layers, d_ff = 12), plus readout, activation and bias variants.
#include <gtest/gtest.h>

#include <cmath>

#include "tiny_model.h"

namespace saturn {
namespace {

using testing::Variant;

std::vector<Variant> variants() {
  std::vector<Variant> out;
  const std::vector<std::pair<LayerNormMode, LayerNormPlaces>> lns = {
      {LayerNormMode::pre, {}},
      {LayerNormMode::post, {}},
      {LayerNormMode::none, {}},
      {LayerNormMode::custom, {AttnLnPlace::qk, false, true}},
      {LayerNormMode::custom, {AttnLnPlace::v, true, false}},
      {LayerNormMode::custom, {AttnLnPlace::none, true, false}},
  };
  for (const auto& [ln, places] : lns)
    for (auto pos : {Positional::none, Positional::learned, Positional::sinusoidal})
      for (auto head : {HeadKind::classify, HeadKind::next_symbols, HeadKind::lm})
        for (bool causal : {false, true}) {
          Variant v;
          v.ln = ln;
          v.places = places;
          v.pos = pos;
          v.head = head;
          v.causal = causal;
          out.push_back(v);
        }
  // Readouts, ReLU, no attention bias, readout scale.
  for (auto r : {ClassifyReadout::last, ClassifyReadout::mean}) {
    Variant v;
    v.readout = r;
    v.causal = r == ClassifyReadout::last;
    out.push_back(v);
  }
  Variant relu;
  relu.act = Activation::relu;
  out.push_back(relu);
  Variant nobias;
  nobias.attn_bias = false;
  nobias.readout_scale = 1.7;
  out.push_back(nobias);
  return out;
}

class GradCheck : public ::testing::TestWithParam<Variant> {};

TEST_P(GradCheck, EveryParameterMatchesCentralDifferences) {
  const auto cfg = testing::tiny_config(GetParam());
  auto m = testing::random_model<double>(cfg, 11);
  const Batch batch = testing::random_batch(cfg, {3, 1, 5, 0}, 7);
  const auto r = testing::check_model_gradients(m, batch);
  EXPECT_TRUE(r.ok) << r.message;
}

// ForwardScope::loss computes the last layer at the readout positions only (classifier reading
// bos or last): the loss and every gradient equal those of the full pass up to round-off.
TEST_P(GradCheck, TheLossScopeGivesTheFullPassLossAndGradients) {
  for (int layers : {1, 2}) {
  SCOPED_TRACE(layers);
  const auto cfg = testing::tiny_config(GetParam(), 8, 2, layers);
  const auto m = testing::random_model<double>(cfg, 11);
  const Batch batch = testing::random_batch(cfg, {3, 1, 5, 0, 9}, 7);
  Workspace<double> full, narrow;
  std::vector<double> g_full(m.params.size(), 0.0), g_narrow(m.params.size(), 0.0);
  const auto a = forward(m, batch, full);
  backward(m, batch, full, g_full.data());
  const auto b = forward(m, batch, narrow, {}, ForwardScope::loss);
  backward(m, batch, narrow, g_narrow.data());
  EXPECT_EQ(narrow.narrow, cfg.head == HeadKind::classify && cfg.readout != ClassifyReadout::mean);
  EXPECT_FALSE(full.narrow);
  EXPECT_NEAR(a.loss, b.loss, 1e-13 * std::max(1.0, std::abs(a.loss)));
  EXPECT_EQ(a.correct, b.correct);
  for (const auto& spec : m.table.specs()) {
    double diff = 0, norm = 0;
    for (std::size_t j = spec.offset; j < spec.offset + spec.size; ++j) {
      diff = std::max(diff, std::abs(g_full[j] - g_narrow[j]));
      norm = std::max(norm, std::abs(g_full[j]));
    }
    EXPECT_LE(diff, 1e-12 * std::max(1.0, norm)) << spec.name;
  }
  if (narrow.narrow) {
    EXPECT_THROW(attention_weights(m, batch, narrow, cfg.n_layers - 1, 0, 0), Error);
    EXPECT_THROW(final_states(batch, narrow, 0), Error);
    EXPECT_THROW(attention_entropies(m, batch, narrow), Error);
    if (layers > 1) {
      EXPECT_NO_THROW(attention_weights(m, batch, narrow, 0, 0, 0));  // earlier layers are complete
    }
  }
  }
}

INSTANTIATE_TEST_SUITE_P(All, GradCheck, ::testing::ValuesIn(variants()),
                         [](const ::testing::TestParamInfo<Variant>& info) {
                           return info.param.name() + "_" + std::to_string(info.index);
                         });

}  // namespace
}  // namespace saturn
