// Score rounding (model.score_rounding G, issue 11 section 3; transformer/layers/attention.h): the
// forward rounds every score s = c q.k / sqrt(D) to the nearest multiple of G (halves to even) before
// the attention mode acts, so rounding creates exact ties; the backward is straight-through: the
// gradient equals the unrounded attention's gradient evaluated at the rounded scores, which the
// finite differences below measure on that function (rounding removed at the point: each score
// shifted by its frozen rounding offset), in double, for both kernel paths and the one-query path.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/rng.h"
#include "tests/support/gradcheck.h"
#include "tiny_model.h"
#include "transformer/layers/attention.h"

namespace saturn {
namespace {

using M = Mat<double>;

TEST(ScoreRounding, RoundsToTheNearestMultipleWithHalvesToEven) {
  EXPECT_EQ(round_score(0.24, 0.5), 0.0);
  EXPECT_EQ(round_score(0.26, 0.5), 0.5);
  EXPECT_EQ(round_score(0.25, 0.5), 0.0);    // half-way: 0.5 grid steps -> 0 (even)
  EXPECT_EQ(round_score(0.75, 0.5), 1.0);    // 1.5 steps -> 2
  EXPECT_EQ(round_score(1.25, 0.5), 1.0);    // 2.5 steps -> 2
  EXPECT_EQ(round_score(-0.75, 0.5), -1.0);  // -1.5 steps -> -2
  EXPECT_EQ(round_score(-0.3, 0.5), -0.5);
  EXPECT_EQ(round_score(3.0, 0.25), 3.0);    // grid points stay
  EXPECT_EQ(round_score(0.7f, 0.25), 0.75f);
  EXPECT_EQ(round_score(0.123, 0.0), 0.123);  // G = 0: off
  Eigen::RowVectorXd row(4);
  row << 0.9, 1.1, 0.2, -0.3;
  round_scores(row, 0.5);
  EXPECT_EQ(row[0], 1.0);
  EXPECT_EQ(row[1], 1.0);  // an exact tie created
  EXPECT_EQ(row[2], 0.0);
  EXPECT_EQ(row[3], -0.5);
}

// One head of width 1 whose query is 1 everywhere, so the scores are the keys times c: keys 0.9,
// 1.1, 0.2, -0.3 (then -5 for the padding of the longer string), values 1, 2, 3, 4, ...
struct OneHead {
  std::vector<int> offsets;
  std::vector<long> prob_offsets;
  M q, k, v;
  explicit OneHead(long T) : offsets{0, static_cast<int>(T)}, prob_offsets{0, attention_prob_size<double>(1, T)},
                             q(M::Ones(T, 1)), k(M::Constant(T, 1, -5.0)), v(T, 1) {
    k(0, 0) = 0.9, k(1, 0) = 1.1, k(2, 0) = 0.2, k(3, 0) = -0.3;
    for (long t = 0; t < T; ++t) v(t, 0) = static_cast<double>(t + 1);
  }
  // The output of the last query row (it sees every key).
  double last_output(AttentionKind kind, ScoreRule rule) {
    const long T = offsets.back();
    AttentionMode mode;
    mode.kind = kind;
    const AttentionShape shape{1, true, &offsets, &prob_offsets, mode, rule};
    AlignedVector<double> probs(static_cast<std::size_t>(prob_offsets.back()));
    M out(T, 1);
    attention_forward<double>(shape, q, k, v, probs, out);
    return out(T - 1, 0);
  }
};

TEST(ScoreRounding, CreatesExactTiesThatSaturatedAndHardAttentionSee) {
  for (long T : {4L, 11L}) {  // the direct kernel (T <= 8) and the Eigen one
    SCOPED_TRACE(T);
    OneHead h(T);
    const ScoreRule off{}, round{1.0, 0.5};
    // Without rounding the maximum 1.1 is unique; rounded, 0.9 and 1.1 tie at 1.0.
    EXPECT_EQ(h.last_output(AttentionKind::saturated, off), 2.0);
    EXPECT_EQ(h.last_output(AttentionKind::saturated, round), 1.5);
    EXPECT_EQ(h.last_output(AttentionKind::hard_left, round), 1.0);
    EXPECT_EQ(h.last_output(AttentionKind::hard_right, round), 2.0);
    // Softmax of the rounded scores 1, 1, 0, -0.5 (and -5 for the rest).
    std::vector<double> s{1.0, 1.0, 0.0, -0.5};
    for (long t = 4; t < T; ++t) s.push_back(-5.0);
    double z = 0, o = 0;
    for (std::size_t j = 0; j < s.size(); ++j) z += std::exp(s[j]), o += std::exp(s[j]) * static_cast<double>(j + 1);
    EXPECT_NEAR(h.last_output(AttentionKind::softmax, round), o / z, 1e-14);
    // The factor c acts before rounding: 2 x (0.9, 1.1, 0.2, -0.3) = 1.8, 2.2, 0.4, -0.6 -> 2, 2, 0.5, -0.5.
    EXPECT_EQ(h.last_output(AttentionKind::saturated, {2.0, 0.5}), 1.5);
    EXPECT_EQ(h.last_output(AttentionKind::saturated, {2.0, 0.0}), 2.0);
    // A grid of 0.1 leaves 0.9 and 1.1 apart.
    EXPECT_EQ(h.last_output(AttentionKind::saturated, {1.0, 0.1}), 2.0);
  }
}

using testing::random_matrix;

// The attention of every query row of `rows` by the definition, with the score of (query, key)
// shifted by offset[...] (one entry per visible pair, in loop order): frozen = true records the
// offsets round_G(s) - s at the current point; false applies the recorded ones (0 when empty).
struct Definition {
  std::vector<int> offsets;  // strings
  int heads = 2;
  bool causal = false;
  ScoreRule rule;
  std::vector<double> shift;
  // out (n, d) of queries q_rows (one per entry of `rows`, row r of the packed batch) on k, v.
  M run(const M& q_rows, const std::vector<long>& rows, const M& k, const M& v, bool record) {
    const long d = k.cols(), D = d / heads;
    M out = M::Zero(static_cast<long>(rows.size()), d);
    std::size_t at = 0;
    if (record) shift.clear();
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const long t = rows[r];
      long r0 = 0, T = 0;
      for (std::size_t i = 0; i + 1 < offsets.size(); ++i)
        if (t >= offsets[i] && t < offsets[i + 1]) r0 = offsets[i], T = offsets[i + 1] - offsets[i];
      const long keys = causal ? t - r0 + 1 : T;
      for (int h = 0; h < heads; ++h) {
        std::vector<double> s;
        double mx = -1e300;
        for (long u = 0; u < keys; ++u) {
          double dot = 0;
          for (long j = 0; j < D; ++j) dot += q_rows(static_cast<long>(r), h * D + j) * k(r0 + u, h * D + j);
          double x = dot * (rule.scale / std::sqrt(static_cast<double>(D)));
          if (record) shift.push_back(round_score(x, rule.grid) - x);
          x += shift.empty() ? 0.0 : shift[at++];
          s.push_back(x);
          mx = std::max(mx, x);
        }
        double z = 0;
        for (double& x : s) z += (x = std::exp(x - mx));
        for (long u = 0; u < keys; ++u)
          for (long j = 0; j < D; ++j) out(static_cast<long>(r), h * D + j) += s[static_cast<std::size_t>(u)] / z * v(r0 + u, h * D + j);
      }
    }
    return out;
  }
};

testing::GradInput input(const char* name, M& x, const M& dx) {
  return {name, x.data(), static_cast<std::size_t>(x.size()), dx.data()};
}

// Strings of 3 and 11 tokens (both kernel paths), 2 heads of width 3, c = 1.7, G = 0.3.
TEST(ScoreRounding, BackwardIsStraightThroughForEveryQuery) {
  for (bool causal : {false, true}) {
    SCOPED_TRACE(causal);
    std::vector<int> offsets{0, 3, 14};
    std::vector<long> prob_offsets{0, attention_prob_size<double>(2, 3), 0};
    prob_offsets[2] = prob_offsets[1] + attention_prob_size<double>(2, 11);
    const ScoreRule rule{1.7, 0.3};
    const AttentionShape shape{2, causal, &offsets, &prob_offsets, {}, rule};
    Rng rng(21);
    const long n = 14, d = 6;
    M q = random_matrix(n, d, rng), k = random_matrix(n, d, rng), v = random_matrix(n, d, rng);
    const M G = random_matrix(n, d, rng);  // loss = sum(G * out)
    AlignedVector<double> probs(static_cast<std::size_t>(prob_offsets.back()));
    M out(n, d), dq = M::Zero(n, d), dk = M::Zero(n, d), dv = M::Zero(n, d);
    attention_forward<double>(shape, q, k, v, probs, out);
    attention_backward<double>(shape, q, k, v, probs, G, dq, dk, dv);
    // The definition with the rounding offsets frozen at this point gives the same output ...
    Definition def{offsets, 2, causal, rule, {}};
    std::vector<long> all(static_cast<std::size_t>(n));
    for (long t = 0; t < n; ++t) all[static_cast<std::size_t>(t)] = t;
    EXPECT_LT((def.run(q, all, k, v, true) - out).cwiseAbs().maxCoeff(), 1e-13);
    // ... and its finite differences are the straight-through gradient.
    auto shifted = [&] { return (def.run(q, all, k, v, false).array() * G.array()).sum(); };
    const auto r = testing::check_gradients(shifted, {input("q", q, dq), input("k", k, dk), input("v", v, dv)},
                                            {.min_checked = 1, .every_input_nonzero = true});
    EXPECT_TRUE(r.ok) << r.message;
    // The rounding moved the point: the unrounded function's gradient is another one (so the
    // check above can fail), e.g. for q.
    Definition plain{offsets, 2, causal, {1.7, 0.0}, {}};
    auto unrounded = [&] { return (plain.run(q, all, k, v, false).array() * G.array()).sum(); };
    const auto r2 = testing::check_gradients(unrounded, {input("q", q, dq)});
    EXPECT_FALSE(r2.ok);
  }
}

TEST(ScoreRounding, BackwardIsStraightThroughForOneQueryPerString) {
  for (bool causal : {false, true}) {
    SCOPED_TRACE(causal);
    std::vector<int> offsets{0, 3, 14};
    std::vector<long> qoff{0, attention_query_prob_size<double>(2, 3), 0};
    qoff[2] = qoff[1] + attention_query_prob_size<double>(2, 11);
    const ScoreRule rule{0.8, 0.25};
    const AttentionShape shape{2, causal, &offsets, &qoff, {}, rule};
    Rng rng(22);
    const long n = 14, d = 6;
    const std::vector<int> pos{1, 9};
    const std::vector<long> rows{1, 3 + 9};
    M q = random_matrix(2, d, rng), k = random_matrix(n, d, rng), v = random_matrix(n, d, rng);
    const M G = random_matrix(2, d, rng);
    AlignedVector<double> probs(static_cast<std::size_t>(qoff.back()));
    M out(2, d), dq = M::Zero(2, d), dk = M::Zero(n, d), dv = M::Zero(n, d);
    attention_query_forward<double>(shape, pos, q, k, v, probs, out);
    attention_query_backward<double>(shape, pos, q, k, v, probs, G, dq, dk, dv);
    Definition def{offsets, 2, causal, rule, {}};
    EXPECT_LT((def.run(q, rows, k, v, true) - out).cwiseAbs().maxCoeff(), 1e-13);
    auto shifted = [&] { return (def.run(q, rows, k, v, false).array() * G.array()).sum(); };
    const auto r = testing::check_gradients(shifted, {input("q", q, dq), input("k", k, dk), input("v", v, dv)},
                                            {.min_checked = 1, .every_input_nonzero = true});
    EXPECT_TRUE(r.ok) << r.message;
  }
}

// In a model: training with rounding on runs forward and backward (softmax), and its gradient
// differs from the unrounded model's; a rounded model's scores are multiples of G, so the
// saturated forward sees exact ties.
TEST(ScoreRounding, ModelGradientsUseTheRoundedScores) {
  testing::Variant v;
  v.causal = true;
  v.readout = ClassifyReadout::last;
  auto cfg = testing::tiny_config(v);
  const auto plain = testing::random_model<double>(cfg, 6);
  cfg.score_rounding = 0.5;
  Model<double> rounded(cfg);
  rounded.params = plain.params;
  const auto batch = testing::random_batch(cfg, {3, 9, 11}, 8);
  Workspace<double> ws_p, ws_r;
  std::vector<double> gp(plain.params.size(), 0.0), gr(plain.params.size(), 0.0);
  const double lp = forward(plain, batch, ws_p).loss, lr = forward(rounded, batch, ws_r).loss;
  backward(plain, batch, ws_p, gp.data());
  backward(rounded, batch, ws_r, gr.data());
  EXPECT_NE(lp, lr);
  EXPECT_NE(gp, gr);
  for (double g : gr) EXPECT_TRUE(std::isfinite(g));
}

}  // namespace
}  // namespace saturn
