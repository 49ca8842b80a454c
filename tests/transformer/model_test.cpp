// Model-level properties: bitwise determinism across thread counts and workspace histories,
// packing equals evaluating each string alone, attention weights, initialisation, input errors.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "core/parallel.h"
#include "tiny_model.h"

namespace saturn {
namespace {

using testing::Variant;

std::vector<Variant> head_variants() {
  std::vector<Variant> out;
  for (auto head : {HeadKind::classify, HeadKind::next_symbols, HeadKind::lm}) {
    Variant v;
    v.head = head;
    v.causal = head != HeadKind::classify;
    v.pos = head == HeadKind::lm ? Positional::sinusoidal : Positional::learned;
    out.push_back(v);
  }
  return out;
}

template <class S>
std::vector<S> gradients(const Model<S>& m, const Batch& b, int threads, double* loss = nullptr) {
  ThreadLimit limit(threads);
  Workspace<S> ws;
  std::vector<S> g(m.params.size(), S(0));
  const auto st = forward(m, b, ws);
  if (loss) *loss = st.loss;
  backward(m, b, ws, g.data());
  return g;
}

TEST(Model, GradientsAreBitwiseIdenticalWithOneTwoAndSevenThreads) {
  for (const auto& v : head_variants()) {
    // Wide enough for several row chunks and weight-row tasks per GEMM.
    const auto c = testing::tiny_config(v, 32, 4, 2, 64);
    const auto m = testing::random_model<float>(c, 3, 0.05);
    std::vector<int> lengths;
    for (int i = 0; i < 40; ++i) lengths.push_back(i % 11);
    const Batch b = testing::random_batch(c, lengths, 4);
    double l1 = 0, l2 = 0, l7 = 0;
    const auto g1 = gradients(m, b, 1, &l1);
    EXPECT_EQ(g1, gradients(m, b, 2, &l2)) << v.name();
    EXPECT_EQ(g1, gradients(m, b, 7, &l7)) << v.name();
    EXPECT_EQ(l1, l2);
    EXPECT_EQ(l1, l7);
  }
}

TEST(Model, GradientsDoNotDependOnTheWorkspaceHistory) {
  auto variants = head_variants();
  testing::Variant last;  // a classifier reading the last position of causal attention
  last.causal = true;
  last.readout = ClassifyReadout::last;
  variants.push_back(last);
  for (const auto& v : variants) {
    const auto c = testing::tiny_config(v, 16, 4, 2, 32);
    const auto m = testing::random_model<float>(c, 5, 0.05);
    const Batch big = testing::random_batch(c, std::vector<int>(16, 11), 1);
    const Batch small = testing::random_batch(c, {3, 5, 2, 7, 1, 4, 6, 2}, 2);
    std::vector<float> fresh(m.params.size(), 0.0f), used(m.params.size(), 0.0f), scratch(m.params.size(), 0.0f);
    Workspace<float> wf, wu;
    forward(m, big, wu);
    backward(m, big, wu, scratch.data());
    forward(m, small, wf);
    backward(m, small, wf, fresh.data());
    forward(m, small, wu);
    backward(m, small, wu, used.data());
    EXPECT_EQ(fresh, used) << v.name();
  }
}

TEST(Model, PackedBatchEqualsEachStringAlone) {
  for (const auto& v : head_variants()) {
    const auto c = testing::tiny_config(v);
    const auto m = testing::random_model<double>(c, 8);
    const Batch b = testing::random_batch(c, {4, 0, 7, 2}, 9);
    double packed_loss = 0;
    const auto packed = gradients(m, b, 0, &packed_loss);
    double mean_loss = 0;
    std::vector<double> mean_grad(m.params.size(), 0.0);
    for (int i = 0; i < b.size(); ++i) {
      Batch one;
      const auto r0 = static_cast<std::size_t>(b.offsets[static_cast<std::size_t>(i)]);
      const auto T = static_cast<std::size_t>(b.length(i));
      one.add_string(c, std::vector<int>(b.tokens.begin() + static_cast<long>(r0) + 1, b.tokens.begin() + static_cast<long>(r0 + T)));
      if (c.head == HeadKind::classify) one.labels = {b.labels[static_cast<std::size_t>(i)]};
      if (c.head == HeadKind::next_symbols) {
        const auto O = static_cast<std::size_t>(c.n_outputs);
        one.targets.assign(b.targets.begin() + static_cast<long>(r0 * O), b.targets.begin() + static_cast<long>((r0 + T) * O));
      }
      if (c.head == HeadKind::lm) one.next_tokens.assign(b.next_tokens.begin() + static_cast<long>(r0), b.next_tokens.begin() + static_cast<long>(r0 + T));
      double l = 0;
      const auto g = gradients(m, one, 0, &l);
      mean_loss += l / b.size();
      for (std::size_t j = 0; j < g.size(); ++j) mean_grad[j] += g[j] / b.size();
    }
    EXPECT_NEAR(packed_loss, mean_loss, 1e-12) << v.name();
    for (std::size_t j = 0; j < packed.size(); ++j) ASSERT_NEAR(packed[j], mean_grad[j], 1e-12) << v.name() << " param " << j;
  }
}

TEST(Model, AttentionWeightsAreCausalDistributionsAndModesChangeThem) {
  Variant v;
  v.causal = true;
  const auto c = testing::tiny_config(v);
  const auto m = testing::random_model<double>(c, 2);
  const Batch b = testing::random_batch(c, {5, 3}, 1);
  Workspace<double> ws;
  forward(m, b, ws);
  for (int l = 0; l < 2; ++l)
    for (int i = 0; i < 2; ++i)
      for (int h = 0; h < 2; ++h) {
        const auto P = attention_weights(m, b, ws, l, i, h);
        ASSERT_EQ(P.rows(), b.length(i));
        for (long t = 0; t < P.rows(); ++t) {
          EXPECT_NEAR(P.row(t).sum(), 1.0, 1e-12);
          for (long u = t + 1; u < P.cols(); ++u) EXPECT_EQ(P(t, u), 0.0);
        }
      }
  EXPECT_THROW(attention_weights(m, b, ws, 2, 0, 0), Error);
  const auto entropies = attention_entropies(m, b, ws);
  ASSERT_EQ(entropies.size(), 2u);
  EXPECT_GT(entropies[0][0], 0.0);
  forward(m, b, ws, {AttentionKind::hard_left, 1.0, {0.0}});
  for (long t = 0; t < 6; ++t) EXPECT_DOUBLE_EQ(attention_weights(m, b, ws, 1, 0, 1).row(t).maxCoeff(), 1.0);
  EXPECT_DOUBLE_EQ(attention_entropies(m, b, ws)[1][1], 0.0);
  std::vector<double> g(m.params.size());
  EXPECT_THROW(backward(m, b, ws, g.data()), Error);
}

TEST(Model, InitialisationIsDeterministicAndFollowsTheScheme) {
  Variant v;
  const auto c = testing::tiny_config(v, 16, 2, 1, 24);
  Model<double> a(c), b(c), other(c);
  a.init(7);
  b.init(7);
  other.init(8);
  EXPECT_EQ(a.params, b.params);
  EXPECT_NE(a.params, other.params);
  for (double w : std::vector<double>(a.param("layers.0.ln1.weight"), a.param("layers.0.ln1.weight") + 16)) EXPECT_EQ(w, 1.0);
  for (double w : std::vector<double>(a.param("layers.0.attn.q.bias"), a.param("layers.0.attn.q.bias") + 16)) EXPECT_EQ(w, 0.0);
  // fc1.weight [24, 16]: LeCun normal, std 1/4; fc2.weight [16, 24]: std 1/sqrt(24).
  auto stddev = [&](const char* name) {
    const auto& s = a.table.at(name);
    double sq = 0;
    for (std::size_t j = 0; j < s.size; ++j) sq += a.params[s.offset + j] * a.params[s.offset + j];
    return std::sqrt(sq / static_cast<double>(s.size));
  };
  EXPECT_NEAR(stddev("layers.0.ffn.fc1.weight"), 0.25, 0.03);
  EXPECT_NEAR(stddev("embed.weight"), 0.02, 0.01);
}

TEST(Model, MissingTargetsAndBadTokensAreErrors) {
  Variant v;
  const auto c = testing::tiny_config(v);
  const Model<double> m(c);
  Workspace<double> ws;
  Batch b = testing::random_batch(c, {2, 3}, 1);
  b.labels.pop_back();
  EXPECT_THROW(forward(m, b, ws), Error);
  b = testing::random_batch(c, {2, 3}, 1);
  b.tokens[1] = 99;
  EXPECT_THROW(forward(m, b, ws), Error);
  b = testing::random_batch(c, {20}, 1);  // 21 tokens > max_len 12
  EXPECT_THROW(forward(m, b, ws), Error);
}

}  // namespace
}  // namespace saturn
