// The two code paths of the attention kernels (transformer/layers/attention.cpp: direct loops for
// strings of at most 8 tokens, Eigen products above) and the narrow lm pass of the model
// (ForwardScope::loss when every string counts one position: grokking, scan and snap), each
// against a definition or the full pass, in double.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <vector>

#include "core/rng.h"
#include "tests/support/gradcheck.h"
#include "tiny_model.h"
#include "transformer/layers/attention.h"

namespace saturn {
namespace {

using M = Mat<double>;

using testing::random_matrix;

// Strings of 3, 1, 8 (the longest direct one), 9 and 12 tokens: both paths in one batch.
struct Strings {
  std::vector<int> offsets{0, 3, 4, 12, 21, 33};
  std::vector<long> prob_offsets, query_offsets;
  int heads = 2;
  long rows() const { return offsets.back(); }
  std::size_t count() const { return offsets.size() - 1; }
  AttentionShape shape(bool causal) {
    prob_offsets.assign(offsets.size(), 0);
    for (std::size_t i = 0; i < count(); ++i)
      prob_offsets[i + 1] = prob_offsets[i] + attention_prob_size<double>(heads, offsets[i + 1] - offsets[i]);
    return {heads, causal, &offsets, &prob_offsets};
  }
  AttentionShape query_shape(bool causal) {
    query_offsets.assign(offsets.size(), 0);
    for (std::size_t i = 0; i < count(); ++i)
      query_offsets[i + 1] = query_offsets[i] + attention_query_prob_size<double>(heads, offsets[i + 1] - offsets[i]);
    return {heads, causal, &offsets, &query_offsets};
  }
};

// softmax(q_t . k_u / sqrt(D)) v_u over the visible keys u of t's string, head h (columns h D ..).
double definition(const M& q, const M& k, const M& v, long r0, long T, long t, int h, long D, long col, bool causal) {
  std::vector<double> s;
  double mx = -1e300, z = 0, o = 0;
  for (long u = r0; u < r0 + (causal ? t - r0 + 1 : T); ++u) {
    double dot = 0;
    for (long j = 0; j < D; ++j) dot += q(t, h * D + j) * k(u, h * D + j);
    s.push_back(dot / std::sqrt(static_cast<double>(D)));
    mx = std::max(mx, s.back());
  }
  for (double& x : s) z += (x = std::exp(x - mx));
  for (std::size_t u = 0; u < s.size(); ++u) o += s[u] / z * v(r0 + static_cast<long>(u), h * D + col);
  return o;
}

TEST(AttentionPaths, ShortAndLongStringsMatchTheDefinition) {
  for (bool causal : {false, true}) {
    SCOPED_TRACE(causal);
    Strings st;
    const auto shape = st.shape(causal);
    Rng rng(8);
    const long d = 6, D = 3;
    const M q = random_matrix(st.rows(), d, rng), k = random_matrix(st.rows(), d, rng), v = random_matrix(st.rows(), d, rng);
    AlignedVector<double> probs(static_cast<std::size_t>(st.prob_offsets.back()));
    M out(st.rows(), d);
    attention_forward<double>(shape, q, k, v, probs, out);
    for (std::size_t i = 0; i < st.count(); ++i) {
      const long r0 = st.offsets[i], T = st.offsets[i + 1] - r0;
      for (long t = r0; t < r0 + T; ++t)
        for (int h = 0; h < 2; ++h)
          for (long j = 0; j < D; ++j) EXPECT_NEAR(out(t, h * D + j), definition(q, k, v, r0, T, t, h, D, j, causal), 1e-12);
    }
  }
}

TEST(AttentionPaths, BackwardOfShortAndLongStringsMatchesFiniteDifferences) {
  for (bool causal : {false, true}) {
    SCOPED_TRACE(causal);
    Strings st;
    const auto shape = st.shape(causal);
    Rng rng(9);
    const long n = st.rows(), d = 6;
    M q = random_matrix(n, d, rng), k = random_matrix(n, d, rng), v = random_matrix(n, d, rng);
    const M G = random_matrix(n, d, rng);
    AlignedVector<double> probs(static_cast<std::size_t>(st.prob_offsets.back()));
    M out(n, d), dq = M::Zero(n, d), dk = M::Zero(n, d), dv = M::Zero(n, d);
    auto loss = [&] {
      attention_forward<double>(shape, q, k, v, probs, out);
      return (out.array() * G.array()).sum();
    };
    loss();
    attention_backward<double>(shape, q, k, v, probs, G, dq, dk, dv);
    auto in = [](const char* name, M& x, const M& dx) {
      return testing::GradInput{name, x.data(), static_cast<std::size_t>(x.size()), dx.data()};
    };
    const auto r = testing::check_gradients(loss, {in("q", q, dq), in("k", k, dk), in("v", v, dv)},
                                            {.min_checked = 1, .every_input_nonzero = true});
    EXPECT_TRUE(r.ok) << r.message;
  }
}

// One query per string (the narrow last layer) equals that row of the full attention, and its
// backward equals the full backward with d out zero at every other row.
TEST(AttentionPaths, OneQueryPerStringEqualsThatRowOfTheFullAttention) {
  for (bool causal : {false, true}) {
    SCOPED_TRACE(causal);
    Strings st;
    const auto shape = st.shape(causal), qshape = st.query_shape(causal);
    Rng rng(10);
    const long n = st.rows(), d = 6, B = static_cast<long>(st.count());
    const M q = random_matrix(n, d, rng), k = random_matrix(n, d, rng), v = random_matrix(n, d, rng);
    std::vector<int> pos, rows;
    for (std::size_t i = 0; i < st.count(); ++i) {
      const int T = st.offsets[i + 1] - st.offsets[i];
      pos.push_back(static_cast<int>(rng.uniform_below(static_cast<std::uint64_t>(T))));
      rows.push_back(st.offsets[i] + pos.back());
    }
    M q_sel(B, d), G_sel = random_matrix(B, d, rng), G = M::Zero(n, d);
    for (long i = 0; i < B; ++i) q_sel.row(i) = q.row(rows[static_cast<std::size_t>(i)]), G.row(rows[static_cast<std::size_t>(i)]) = G_sel.row(i);
    AlignedVector<double> probs(static_cast<std::size_t>(st.prob_offsets.back())),
        qprobs(static_cast<std::size_t>(st.query_offsets.back()));
    M out(n, d), out_sel(B, d);
    attention_forward<double>(shape, q, k, v, probs, out);
    attention_query_forward<double>(qshape, pos, q_sel, k, v, qprobs, out_sel);
    M dq = M::Zero(n, d), dk = M::Zero(n, d), dv = M::Zero(n, d);
    M dq_sel = M::Zero(B, d), dk2 = M::Zero(n, d), dv2 = M::Zero(n, d);
    attention_backward<double>(shape, q, k, v, probs, G, dq, dk, dv);
    attention_query_backward<double>(qshape, pos, q_sel, k, v, qprobs, G_sel, dq_sel, dk2, dv2);
    for (long i = 0; i < B; ++i) {
      const long r = rows[static_cast<std::size_t>(i)];
      for (long j = 0; j < d; ++j) {
        EXPECT_NEAR(out_sel(i, j), out(r, j), 1e-12);
        EXPECT_NEAR(dq_sel(i, j), dq(r, j), 1e-12);
      }
    }
    EXPECT_LE((dk2 - dk).cwiseAbs().maxCoeff(), 1e-12);
    EXPECT_LE((dv2 - dv).cwiseAbs().maxCoeff(), 1e-12);
    EXPECT_GT(dk.cwiseAbs().maxCoeff(), 0.0);
  }
}

// An lm batch whose every string counts exactly one position (next token >= 0; -1 elsewhere).
Batch one_counted_position(const ModelConfig& c, std::uint64_t seed) {
  Batch b = testing::random_batch(c, {2, 0, 7, 11, 4}, seed);
  Rng rng(seed + 7);
  for (int i = 0; i < b.size(); ++i) {
    const int T = b.length(i), keep = static_cast<int>(rng.uniform_below(static_cast<std::uint64_t>(T)));
    for (int t = 0; t < T; ++t)
      if (t != keep) b.next_tokens[static_cast<std::size_t>(b.offsets[static_cast<std::size_t>(i)] + t)] = -1;
  }
  return b;
}

// The narrow lm pass: the loss and every gradient of the full pass up to round-off, for 1 and 2
// layers, causal or not, every layer-norm mode; a batch with a string counting two positions
// takes the full pass.
TEST(AttentionPaths, NarrowLmPassGivesTheFullPassLossAndGradients) {
  for (auto ln : {LayerNormMode::pre, LayerNormMode::post, LayerNormMode::none})
    for (bool causal : {false, true})
      for (int layers : {1, 2}) {
        SCOPED_TRACE(testing::Variant{ln}.name() + (causal ? " causal " : " ") + std::to_string(layers));
        testing::Variant var;
        var.ln = ln;
        var.head = HeadKind::lm;
        var.causal = causal;
        var.readout_scale = 1.3;
        const auto cfg = testing::tiny_config(var, 8, 2, layers);
        const auto m = testing::random_model<double>(cfg, 12);
        const Batch batch = one_counted_position(cfg, 5);
        Workspace<double> full, narrow;
        std::vector<double> g_full(m.params.size(), 0.0), g_narrow(m.params.size(), 0.0);
        const auto a = forward(m, batch, full);
        backward(m, batch, full, g_full.data());
        const auto b = forward(m, batch, narrow, {}, ForwardScope::loss);
        backward(m, batch, narrow, g_narrow.data());
        EXPECT_TRUE(narrow.narrow);
        EXPECT_FALSE(full.narrow);
        EXPECT_NEAR(a.loss, b.loss, 1e-13 * std::max(1.0, std::abs(a.loss)));
        EXPECT_EQ(a.correct, b.correct);
        double scale = 0, diff = 0;
        for (std::size_t j = 0; j < g_full.size(); ++j) {
          scale = std::max(scale, std::abs(g_full[j]));
          diff = std::max(diff, std::abs(g_full[j] - g_narrow[j]));
        }
        EXPECT_GT(scale, 0.0);
        EXPECT_LE(diff, 1e-12 * std::max(1.0, scale));
        EXPECT_THROW(output_logits(batch, narrow, 0), Error);
        Batch two = batch;
        for (int r = two.offsets[3]; r < two.offsets[4]; ++r) two.next_tokens[static_cast<std::size_t>(r)] = 0;
        forward(m, two, narrow, {}, ForwardScope::loss);
        EXPECT_FALSE(narrow.narrow);
      }
}

}  // namespace
}  // namespace saturn
