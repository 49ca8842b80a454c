// The lm head's ignored targets (next token -1, like PyTorch's ignore_index): central finite
// differences in double, the loss equal to the mean over counted positions computed from the
// logits, accuracy over counted positions only, and the batch checks.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "tiny_model.h"

namespace saturn {
namespace {

using testing::Variant;

// The tiny lm batch with only some positions counted: the last one of each string, and every
// third position of the longest.
Batch sparse_batch(const ModelConfig& c) {
  Batch b = testing::random_batch(c, {3, 1, 5, 0}, 7);
  for (int i = 0; i < b.size(); ++i)
    for (int r = b.offsets[static_cast<std::size_t>(i)]; r + 1 < b.offsets[static_cast<std::size_t>(i) + 1]; ++r)
      if (!(i == 2 && r % 3 == 0)) b.next_tokens[static_cast<std::size_t>(r)] = -1;
  return b;
}

std::vector<Variant> variants() {
  std::vector<Variant> out;
  for (auto places : {LayerNormPlaces{AttnLnPlace::none, false, false}, LayerNormPlaces{AttnLnPlace::qkv, true, false},
                      LayerNormPlaces{AttnLnPlace::qk, false, false}, LayerNormPlaces{AttnLnPlace::v, false, false}}) {
    Variant v;
    v.ln = LayerNormMode::custom;
    v.places = places;
    v.head = HeadKind::lm;
    v.act = Activation::relu;
    v.attn_bias = false;
    v.readout_scale = 1.25;
    out.push_back(v);
  }
  Variant causal;
  causal.head = HeadKind::lm;
  causal.causal = true;
  out.push_back(causal);
  return out;
}

class IgnoredTargets : public ::testing::TestWithParam<Variant> {};

TEST_P(IgnoredTargets, GradientsMatchCentralDifferences) {
  const auto cfg = testing::tiny_config(GetParam());
  auto m = testing::random_model<double>(cfg, 13);
  const Batch batch = sparse_batch(cfg);
  const auto r = testing::check_model_gradients(m, batch);
  EXPECT_TRUE(r.ok) << r.message;
}

TEST_P(IgnoredTargets, LossIsTheMeanOverCountedPositions) {
  const auto cfg = testing::tiny_config(GetParam());
  const auto m = testing::random_model<double>(cfg, 17);
  const Batch batch = sparse_batch(cfg);
  Workspace<double> ws;
  const auto st = forward(m, batch, ws);
  double total = 0;
  int correct = 0;
  for (int i = 0; i < batch.size(); ++i) {
    const auto logits = output_logits(batch, ws, i);
    double loss = 0;
    int counted = 0;
    bool all = true;
    for (long t = 0; t < logits.rows(); ++t) {
      const int y = batch.next_tokens[static_cast<std::size_t>(batch.offsets[static_cast<std::size_t>(i)] + t)];
      if (y < 0) continue;
      const double lse = std::log(logits.row(t).array().exp().sum());
      loss += lse - logits(t, y);
      Eigen::Index best;
      logits.row(t).maxCoeff(&best);
      all = all && best == y;
      ++counted;
    }
    ASSERT_GT(counted, 0);
    total += loss / counted;
    correct += all;
  }
  EXPECT_NEAR(st.loss, total / batch.size(), 1e-12);
  EXPECT_EQ(st.correct, correct);

  // A position that was ignored changes the loss once it counts.
  Batch other = batch;
  other.next_tokens[0] = 1;  // position 0 (BOS of string 0) counts now
  EXPECT_NE(forward(m, other, ws).loss, st.loss);
}

INSTANTIATE_TEST_SUITE_P(Lm, IgnoredTargets, ::testing::ValuesIn(variants()),
                         [](const ::testing::TestParamInfo<Variant>& info) {
                           return info.param.name() + "_" + std::to_string(info.index);
                         });

TEST(IgnoredTargetsChecks, EveryStringNeedsACountedPositionAndTargetsAreOutputIds) {
  Variant v;
  v.head = HeadKind::lm;
  const auto cfg = testing::tiny_config(v);
  const auto m = testing::random_model<double>(cfg, 1);
  Workspace<double> ws;
  Batch b = testing::random_batch(cfg, {2, 1}, 3);
  for (auto& t : b.next_tokens) t = -1;
  try {
    forward(m, b, ws);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("string 0 has no counted position"), std::string::npos) << e.what();
  }
  b.next_tokens[2] = 0;  // string 0 counted, string 1 not
  EXPECT_THROW(forward(m, b, ws), Error);
  b.next_tokens[4] = -2;
  EXPECT_THROW(forward(m, b, ws), Error);
  b.next_tokens[4] = cfg.n_outputs;
  EXPECT_THROW(forward(m, b, ws), Error);
  b.next_tokens[4] = cfg.n_outputs - 1;
  EXPECT_NO_THROW(forward(m, b, ws));
}

}  // namespace
}  // namespace saturn
