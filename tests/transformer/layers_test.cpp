// Each layer's backward on its own against central finite differences (double), with the scalar
// loss sum(G .* y) for a fixed random G; and the forward-only attention modes.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/rng.h"
#include "tests/support/gradcheck.h"
#include "tiny_model.h"
#include "transformer/layers/activation.h"
#include "transformer/layers/attention.h"
#include "transformer/layers/layernorm.h"
#include "transformer/layers/linear.h"

namespace saturn {
namespace {

using M = Mat<double>;

using testing::random_matrix;

testing::GradInput input(std::string name, M& x, const M& dx) {
  return {std::move(name), x.data(), static_cast<std::size_t>(x.size()), dx.data()};
}

// Central differences of loss() for every entry of every input (tests/support/gradcheck.h); each
// input must have a nonzero gradient, or the check would say nothing about it.
void expect_gradients(const std::function<double()>& loss, const std::vector<testing::GradInput>& inputs) {
  const auto r = testing::check_gradients(loss, inputs, {.min_checked = 1, .every_input_nonzero = true});
  EXPECT_TRUE(r.ok) << r.message;
}

TEST(Layers, LinearBackwardMatchesFiniteDifferences) {
  Rng rng(1);
  M x = random_matrix(70, 4, rng), w = random_matrix(3, 4, rng), b = random_matrix(1, 3, rng);  // 70 rows: two chunks
  const M G = random_matrix(70, 3, rng);
  M y(70, 3), dx = M::Zero(70, 4), dw = M::Zero(3, 4), db = M::Zero(1, 3);
  linear_backward<double>(x, w.data(), G, dx, dw.data(), db.data());
  auto loss = [&] {
    linear_forward<double>(x, w.data(), b.data(), 3, y);
    return (y.array() * G.array()).sum();
  };
  expect_gradients(loss, {input("x", x, dx), input("w", w, dw), input("b", b, db)});
}

TEST(Layers, LinearMatchesTheDefinition) {
  Rng rng(2);
  const M x = random_matrix(5, 4, rng), w = random_matrix(3, 4, rng), b = random_matrix(1, 3, rng);
  M y(5, 3);
  linear_forward<double>(x, w.data(), b.data(), 3, y);
  for (long i = 0; i < 5; ++i)
    for (long o = 0; o < 3; ++o) {
      double s = b(0, o);
      for (long j = 0; j < 4; ++j) s += x(i, j) * w(o, j);
      EXPECT_NEAR(y(i, o), s, 1e-12);
    }
}

TEST(Layers, LayerNormBackwardMatchesFiniteDifferences) {
  Rng rng(3);
  M x = random_matrix(9, 6, rng), w = random_matrix(1, 6, rng), b = random_matrix(1, 6, rng);
  const M G = random_matrix(9, 6, rng);
  M y(9, 6), dx = M::Zero(9, 6), dw = M::Zero(1, 6), db = M::Zero(1, 6);
  Vec<double> mean(9), rstd(9);
  auto loss = [&] {
    layernorm_forward<double>(x, w.data(), b.data(), 1e-5, y, mean, rstd);
    return (y.array() * G.array()).sum();
  };
  loss();
  layernorm_backward<double>(x, w.data(), mean, rstd, G, dx, dw.data(), db.data());
  expect_gradients(loss, {input("x", x, dx), input("w", w, dw), input("b", b, db)});
}

TEST(Layers, LayerNormIsPyTorchsBiasedVarianceForm) {
  M x(1, 4);
  x << 1, 2, 3, 6;
  const M w = M::Ones(1, 4), b = M::Zero(1, 4);
  M y(1, 4);
  Vec<double> mean(1), rstd(1);
  layernorm_forward<double>(x, w.data(), b.data(), 0.0, y, mean, rstd);
  // mean 3, biased variance (4 + 1 + 0 + 9) / 4 = 3.5
  EXPECT_NEAR(y(0, 3), 3.0 / std::sqrt(3.5), 1e-12);
  M c = M::Constant(1, 4, 2.0);
  layernorm_forward<double>(c, w.data(), b.data(), 0.0, y, mean, rstd);  // eps = 0, constant row
  EXPECT_TRUE(y.isZero());
}

TEST(Layers, ActivationBackwardMatchesFiniteDifferences) {
  for (auto kind : {Activation::gelu, Activation::relu}) {
    Rng rng(4);
    M x = random_matrix(6, 5, rng);
    const M G = random_matrix(6, 5, rng);
    M y(6, 5), dx = M::Zero(6, 5);
    activation_backward<double>(kind, x, G, dx);
    auto loss = [&] {
      activation_forward<double>(kind, x, y);
      return (y.array() * G.array()).sum();
    };
    expect_gradients(loss, {input(to_string(kind), x, dx)});
  }
  M x(1, 2), y(1, 2);
  x << 1.0, -1.0;
  activation_forward<double>(Activation::gelu, x, y);
  EXPECT_NEAR(y(0, 0), 0.8413447460685429, 1e-12);  // x * Phi(x), exact erf form
  EXPECT_NEAR(y(0, 1), -0.15865525393145707, 1e-12);
}

// The float GELU runs on SIMD packets with its own normal CDF: its relative error against the
// exact double form stays within a few units of float rounding over the whole range (including
// the negative tail, where 1 + erf(x / sqrt 2) would cancel), for row tails of every length.
TEST(Layers, FloatGeluIsAccurateToFloatRounding) {
  const double u = std::ldexp(1.0, -24);  // unit roundoff of float
  for (long cols : {1L, 7L, 16L, 37L}) {
    const long rows = 4001 / cols + 1;
    Mat<float> x(rows, cols), y(rows, cols), dy = Mat<float>::Ones(rows, cols), dx(rows, cols), acc(rows, cols);
    for (long i = 0; i < x.size(); ++i) x.data()[i] = static_cast<float>(-9.0 + 18.0 * static_cast<double>(i) / static_cast<double>(x.size()));
    activation_forward<float>(Activation::gelu, x, y);
    activation_backward<float>(Activation::gelu, x, dy, dx, /*accumulate=*/false);
    acc.setConstant(1.0f);
    activation_backward<float>(Activation::gelu, x, dy, acc);
    double worst = 0, worst_grad = 0;
    for (long i = 0; i < x.size(); ++i) {
      const double v = x.data()[i], cdf = 0.5 * std::erfc(-v / std::sqrt(2.0));
      const double pdf = std::exp(-0.5 * v * v) / std::sqrt(2.0 * 3.14159265358979323846);
      worst = std::max(worst, std::abs(y.data()[i] - v * cdf) / (u * std::max(std::abs(v * cdf), 1e-30)));
      worst_grad = std::max(worst_grad, std::abs(dx.data()[i] - (cdf + v * pdf)) / (u * (cdf + std::abs(v) * pdf)));
      EXPECT_EQ(acc.data()[i], 1.0f + dx.data()[i]);
    }
    EXPECT_LE(worst, 12.0) << cols;
    EXPECT_LE(worst_grad, 12.0) << cols;
  }
  Mat<float> special(1, 3), out(1, 3);
  special << std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN(), 0.0f;
  activation_forward<float>(Activation::gelu, special, out);
  EXPECT_EQ(out(0, 0), std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(out(0, 1)));
  EXPECT_EQ(out(0, 2), 0.0f);
}

struct AttentionCase {
  std::vector<int> offsets{0, 3, 7, 8};
  std::vector<long> prob_offsets;
  int heads = 2;
  AttentionShape shape(bool causal, AttentionMode mode = {}) {
    prob_offsets.assign(offsets.size(), 0);
    for (std::size_t i = 0; i + 1 < offsets.size(); ++i)
      prob_offsets[i + 1] = prob_offsets[i] + attention_prob_size<double>(heads, offsets[i + 1] - offsets[i]);
    return {heads, causal, &offsets, &prob_offsets, mode};
  }
};

TEST(Layers, AttentionBackwardMatchesFiniteDifferences) {
  for (bool causal : {false, true}) {
    AttentionCase ac;
    const auto shape = ac.shape(causal);
    Rng rng(5);
    M q = random_matrix(8, 6, rng), k = random_matrix(8, 6, rng), v = random_matrix(8, 6, rng);
    const M G = random_matrix(8, 6, rng);
    AlignedVector<double> probs(static_cast<std::size_t>(ac.prob_offsets.back()));
    M out(8, 6), dq = M::Zero(8, 6), dk = M::Zero(8, 6), dv = M::Zero(8, 6);
    auto loss = [&] {
      attention_forward<double>(shape, q, k, v, probs, out);
      return (out.array() * G.array()).sum();
    };
    loss();
    attention_backward<double>(shape, q, k, v, probs, G, dq, dk, dv);
    SCOPED_TRACE(causal ? "causal" : "bidirectional");
    expect_gradients(loss, {input("q", q, dq), input("k", k, dk), input("v", v, dv)});
  }
}

TEST(Layers, AttentionMatchesTheDefinitionAndStaysInsideEachString) {
  AttentionCase ac;
  const auto shape = ac.shape(true);
  Rng rng(6);
  const M q = random_matrix(8, 6, rng), k = random_matrix(8, 6, rng), v = random_matrix(8, 6, rng);
  AlignedVector<double> probs(static_cast<std::size_t>(ac.prob_offsets.back()));
  M out(8, 6);
  attention_forward<double>(shape, q, k, v, probs, out);
  const long D = 3;
  for (std::size_t i = 0; i + 1 < ac.offsets.size(); ++i)
    for (int h = 0; h < 2; ++h)
      for (long t = ac.offsets[i]; t < ac.offsets[i + 1]; ++t) {
        std::vector<double> s;
        double mx = -1e300, z = 0;
        for (long u = ac.offsets[i]; u <= t; ++u) {
          double dot = 0;
          for (long j = 0; j < D; ++j) dot += q(t, h * D + j) * k(u, h * D + j);
          s.push_back(dot / std::sqrt(3.0));
          mx = std::max(mx, s.back());
        }
        for (double& x : s) z += (x = std::exp(x - mx));
        for (long j = 0; j < D; ++j) {
          double o = 0;
          for (std::size_t u = 0; u < s.size(); ++u) o += s[u] / z * v(ac.offsets[i] + static_cast<long>(u), h * D + j);
          EXPECT_NEAR(out(t, h * D + j), o, 1e-12);
        }
      }
}

TEST(Layers, AttentionModesSaturatedHardAndTemperature) {
  // One string of 4 tokens, 1 head, d = 2: keys 0 and 2 tie for the maximum score of every query.
  AttentionCase ac;
  ac.offsets = {0, 4};
  ac.heads = 1;
  M q(4, 2), k(4, 2), v(4, 2);
  q.setConstant(1.0);
  k << 2, 0, 1, 0, 2, 0, -1, 0;
  v << 1, 0, 2, 0, 3, 0, 4, 0;
  AlignedVector<double> probs(64);
  M out(4, 2);
  auto run = [&](AttentionMode mode) {
    const auto shape = ac.shape(false, mode);
    attention_forward<double>(shape, q, k, v, probs, out);
    return shape;
  };
  run({AttentionKind::saturated, 1.0, {1e-9}});
  for (long t = 0; t < 4; ++t) EXPECT_DOUBLE_EQ(out(t, 0), 2.0);  // (1 + 3) / 2
  EXPECT_DOUBLE_EQ(probs[0], 0.5);
  EXPECT_DOUBLE_EQ(probs[1], 0.0);
  run({AttentionKind::hard_left, 1.0, {0.0}});
  for (long t = 0; t < 4; ++t) EXPECT_DOUBLE_EQ(out(t, 0), 1.0);  // leftmost maximum: key 0
  run({AttentionKind::hard_right, 1.0, {1e-9}});
  for (long t = 0; t < 4; ++t) EXPECT_DOUBLE_EQ(out(t, 0), 3.0);  // rightmost maximum: key 2
  // Absolute band (saturated:TOL): key 1 is 1/sqrt(2) ~ 0.707 below the maximum, key 3 3/sqrt(2).
  run({AttentionKind::saturated, 1.0, TieBand::absolute_width(0.75)});
  EXPECT_DOUBLE_EQ(probs[0], 1.0 / 3);
  EXPECT_DOUBLE_EQ(probs[1], 1.0 / 3);
  EXPECT_DOUBLE_EQ(probs[3], 0.0);
  run({AttentionKind::saturated, 1.0, TieBand::absolute_width(0.7)});
  EXPECT_DOUBLE_EQ(probs[1], 0.0);
  run({AttentionKind::temperature, 200.0, {0.0}});
  for (long t = 0; t < 4; ++t) EXPECT_NEAR(out(t, 0), 2.0, 1e-9);  // large C approaches saturation
  run({AttentionKind::temperature, 0.0, {0.0}});
  for (long t = 0; t < 4; ++t) EXPECT_NEAR(out(t, 0), 2.5, 1e-12);  // C = 0: uniform
  const auto shape = run({AttentionKind::hard_left, 1.0, {0.0}});
  M d = M::Zero(4, 2);
  EXPECT_THROW(attention_backward<double>(shape, q, k, v, probs, out, d, d, d), Error);
}

}  // namespace
}  // namespace saturn
