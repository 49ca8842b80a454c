#include "transformer/layers/attention.h"

#include <cmath>

#include "core/error.h"
#include "core/parallel.h"
#include "transformer/layers/gemm.h"
#include "transformer/layers/tie_rule.h"

namespace saturn {

namespace {
constexpr std::size_t kGrainStrings = 1;

// Turns one row of scaled scores c q.k / sqrt(D) (the visible keys) into attention weights, in
// place: first the scores are rounded to the grid (ScoreRule::grid), then the mode acts on them.
template <class Row>
void weights_from_scores(const AttentionShape& sh, Row row) {
  using S = typename Row::Scalar;
  round_scores(row, sh.scores.grid);
  const AttentionMode& mode = sh.mode;
  switch (mode.kind) {
    case AttentionKind::temperature: row *= static_cast<S>(mode.temperature); [[fallthrough]];
    case AttentionKind::softmax: {
      const S m = row.maxCoeff();
      row = (row.array() - m).exp();
      row /= row.sum();
      return;
    }
    case AttentionKind::saturated: tie_weights(row, TiePick::all, mode.band); return;
    case AttentionKind::hard_left: tie_weights(row, TiePick::leftmost, mode.band); return;
    case AttentionKind::hard_right: tie_weights(row, TiePick::rightmost, mode.band); return;
  }
}

// One head of one string: its rows [r0, r0 + T) of the packed batch, its columns [h D, h D + D),
// and the start of its probability block.
template <class S>
struct HeadSlice {
  std::size_t i;  // string
  long r0, T;
  int h;
  long D;         // head width
  S scale;        // c / sqrt(D) (ScoreRule::scale c; backward: straight-through rounding)
  long prob;      // offset of this head's block in the probability buffer
  long cols() const { return h * D; }
};

// Calls f(HeadSlice) for every string and head, in parallel over strings (each string writes only
// its own rows and probabilities, so the results do not depend on the threads). block(T) is the
// size of one head's probability block for a string of T tokens.
template <class S, class Block, class F>
void for_each_head(const AttentionShape& sh, long d, Block block, F&& f) {
  const auto& off = *sh.offsets;
  const auto& poff = *sh.prob_offsets;
  const long D = d / sh.heads;
  const S scale = static_cast<S>(sh.scores.scale) / std::sqrt(static_cast<S>(D));
  parallel_chunks(0, off.size() - 1, kGrainStrings, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t i = lo; i < hi; ++i) {
      const long r0 = off[i], T = off[i + 1] - off[i];
      for (int h = 0; h < sh.heads; ++h) f(HeadSlice<S>{i, r0, T, h, D, scale, poff[i] + static_cast<long>(h) * block(T)});
    }
  });
}
template <class S>
long square_block(long T) { return padded<S>(T * T); }
template <class S>
long row_block(long T) { return padded<S>(T); }

// Strings of at most kDirectMaxT tokens take the direct kernels below: plain loops over the head
// width instead of Eigen products, whose packing and dispatch cost more than the arithmetic of a
// (T, D) x (D, T) product at T = 3 (the grokking workload: 3831 strings x 4 heads a step). The
// choice depends on T only, so results never depend on the threads.
constexpr long kDirectMaxT = 8;

// a . b over n elements in eight interleaved partial sums combined in a fixed order (the compiler
// may keep them in one vector register; the order depends on n only).
template <class S>
S dot8(const S* a, const S* b, long n) {
  S part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  long k = 0;
  for (; k + 8 <= n; k += 8)
    for (int j = 0; j < 8; ++j) part[j] += a[k + j] * b[k + j];
  for (int j = 0; k < n; ++k, ++j) part[j] += a[k] * b[k];
  return ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
}
// y (n) += alpha x (n)
template <class S>
void axpy(S alpha, const S* x, S* y, long n) {
  for (long k = 0; k < n; ++k) y[k] += alpha * x[k];
}

// Rows of one head: pointer to row r, column c of a (N, ld) row-major view.
template <class M>
auto row_at(M& m, long r, long c) {
  return m.data() + r * m.outerStride() + c;
}

// Direct forward of one head of one string (T <= kDirectMaxT): the same result definition as the
// Eigen path (scores, weights_from_scores per row, zeros above the diagonal when causal, P V).
template <class S>
void direct_head_forward(const AttentionShape& sh, const CMatRef<S>& q, const CMatRef<S>& k, const CMatRef<S>& v, long r0,
                         long T, long c, long D, S scale, S* probs, MatRef<S>& out) {
  MatMap<S> P(probs, T, T);
  for (long t = 0; t < T; ++t) {
    const long keys = sh.causal ? t + 1 : T;
    const S* qt = row_at(q, r0 + t, c);
    for (long j = 0; j < keys; ++j) P(t, j) = dot8(qt, row_at(k, r0 + j, c), D) * scale;
    weights_from_scores(sh, P.row(t).head(keys));
    for (long j = keys; j < T; ++j) P(t, j) = 0;
    S* o = row_at(out, r0 + t, c);
    for (long x = 0; x < D; ++x) o[x] = 0;
    for (long j = 0; j < keys; ++j) axpy(P(t, j), row_at(v, r0 + j, c), o, D);
  }
}

// Direct backward of one head of one string (T <= kDirectMaxT), softmax.
template <class S>
void direct_head_backward(const CMatRef<S>& q, const CMatRef<S>& k, const CMatRef<S>& v, const CMatRef<S>& dout, long r0,
                          long T, long c, long D, S scale, const S* probs, MatRef<S>& dq, MatRef<S>& dk, MatRef<S>& dv) {
  S dS[kDirectMaxT * kDirectMaxT];
  for (long t = 0; t < T; ++t) {
    const S* p = probs + t * T;
    const S* dO = row_at(dout, r0 + t, c);
    // dP = dO V^T (masked entries have p = 0 and drop out below); dS = P * (dP - P . dP) * scale.
    S dP[kDirectMaxT];
    S dot = 0;
    for (long j = 0; j < T; ++j) {
      dP[j] = dot8(dO, row_at(v, r0 + j, c), D);
      dot += p[j] * dP[j];
    }
    for (long j = 0; j < T; ++j) dS[t * T + j] = p[j] * (dP[j] - dot) * scale;
    for (long j = 0; j < T; ++j) axpy(p[j], dO, row_at(dv, r0 + j, c), D);  // dV += P^T dO
  }
  for (long t = 0; t < T; ++t)  // dQ += dS K
    for (long j = 0; j < T; ++j) axpy(dS[t * T + j], row_at(k, r0 + j, c), row_at(dq, r0 + t, c), D);
  for (long j = 0; j < T; ++j)  // dK += dS^T Q
    for (long t = 0; t < T; ++t) axpy(dS[t * T + j], row_at(q, r0 + t, c), row_at(dk, r0 + j, c), D);
}

void require_softmax(const AttentionShape& sh) {
  if (sh.mode.kind != AttentionKind::softmax) throw Error("attention backward needs softmax attention (the other modes are forward only)");
}

}  // namespace

template <class S>
void attention_forward(const AttentionShape& sh, const CMatRef<S>& q, const CMatRef<S>& k, const CMatRef<S>& v,
                       AlignedVector<S>& probs, MatRef<S> out) {
  for_each_head<S>(sh, q.cols(), square_block<S>, [&](const HeadSlice<S>& x) {
    const long r0 = x.r0, T = x.T, c = x.cols(), D = x.D;
    if (T <= kDirectMaxT) return direct_head_forward(sh, q, k, v, r0, T, c, D, x.scale, probs.data() + x.prob, out);
    MatMap<S> P(probs.data() + x.prob, T, T);  // (T, T)
    gemm(Op::none, Op::transpose, q.block(r0, c, T, D), k.block(r0, c, T, D), false, P);  // Q K^T
    P *= x.scale;
    for (long t = 0; t < T; ++t) {
      const long keys = sh.causal ? t + 1 : T;
      weights_from_scores(sh, P.row(t).head(keys));
      if (keys < T) P.row(t).tail(T - keys).setZero();
    }
    gemm(Op::none, Op::none, P, v.block(r0, c, T, D), false, out.block(r0, c, T, D));  // P V
  });
}

template <class S>
void attention_backward(const AttentionShape& sh, const CMatRef<S>& q, const CMatRef<S>& k, const CMatRef<S>& v,
                        const AlignedVector<S>& probs, const CMatRef<S>& dout, MatRef<S> dq, MatRef<S> dk, MatRef<S> dv) {
  require_softmax(sh);
  for_each_head<S>(sh, q.cols(), square_block<S>, [&](const HeadSlice<S>& x) {
    // (T, T) scratch per worker thread, grown to the longest string and kept: no heap allocation
    // per string. Eigen aligns its start, so row-wise sums below do not depend on which buffer.
    thread_local Mat<S> dP_buf, dS_buf;
    const long r0 = x.r0, T = x.T, c = x.cols(), D = x.D;
    if (T <= kDirectMaxT) return direct_head_backward(q, k, v, dout, r0, T, c, D, x.scale, probs.data() + x.prob, dq, dk, dv);
    const CMatMap<S> P(probs.data() + x.prob, T, T);
    const auto dO = dout.block(r0, c, T, D);
    gemm(Op::transpose, Op::none, P, dO, true, dv.block(r0, c, T, D));  // dV += P^T dO
    if (dP_buf.size() < T * T) {
      dP_buf.resize(T, T);
      dS_buf.resize(T, T);
    }
    MatMap<S> dP(dP_buf.data(), T, T), dS(dS_buf.data(), T, T);
    gemm(Op::none, Op::transpose, dO, v.block(r0, c, T, D), false, dP);  // dO V^T
    // Softmax backward per row: dS = P * (dP - sum(P * dP)); masked entries have P = 0.
    for (long t = 0; t < T; ++t) {
      const S dot = P.row(t).dot(dP.row(t));
      dS.row(t) = (P.row(t).array() * (dP.row(t).array() - dot)).matrix();
    }
    dS *= x.scale;
    gemm(Op::none, Op::none, dS, k.block(r0, c, T, D), true, dq.block(r0, c, T, D));       // dQ += dS K
    gemm(Op::transpose, Op::none, dS, q.block(r0, c, T, D), true, dk.block(r0, c, T, D));  // dK += dS^T Q
  });
}

template <class S>
void attention_query_forward(const AttentionShape& sh, const std::vector<int>& pos, const CMatRef<S>& q,
                             const CMatRef<S>& k, const CMatRef<S>& v, AlignedVector<S>& probs, MatRef<S> out) {
  for_each_head<S>(sh, q.cols(), row_block<S>, [&](const HeadSlice<S>& x) {
    const long r0 = x.r0, T = x.T, c = x.cols(), D = x.D, row = static_cast<long>(x.i);
    const long keys = sh.causal ? pos[x.i] + 1 : T;
    VecMap<S> p(probs.data() + x.prob, T);
    if (T <= kDirectMaxT) {
      const S* qi = row_at(q, row, c);
      for (long j = 0; j < keys; ++j) p[j] = dot8(qi, row_at(k, r0 + j, c), D) * x.scale;
    } else {
      p.head(keys).noalias() = q.row(row).segment(c, D) * k.block(r0, c, keys, D).transpose();
      p.head(keys) *= x.scale;
    }
    weights_from_scores(sh, p.head(keys));
    if (keys < T) p.tail(T - keys).setZero();
    if (T <= kDirectMaxT) {
      S* o = row_at(out, row, c);
      for (long j = 0; j < D; ++j) o[j] = 0;
      for (long j = 0; j < keys; ++j) axpy(p[j], row_at(v, r0 + j, c), o, D);
    } else {
      out.row(row).segment(c, D).noalias() = p.head(keys) * v.block(r0, c, keys, D);
    }
  });
}

template <class S>
void attention_query_backward(const AttentionShape& sh, const std::vector<int>& pos, const CMatRef<S>& q,
                              const CMatRef<S>& k, const CMatRef<S>& v, const AlignedVector<S>& probs,
                              const CMatRef<S>& dout, MatRef<S> dq, MatRef<S> dk, MatRef<S> dv) {
  require_softmax(sh);
  for_each_head<S>(sh, q.cols(), row_block<S>, [&](const HeadSlice<S>& x) {
    thread_local Vec<S> ds_buf;
    const long r0 = x.r0, T = x.T, c = x.cols(), D = x.D, row = static_cast<long>(x.i);
    const long keys = sh.causal ? pos[x.i] + 1 : T;
    if (ds_buf.size() < T) ds_buf.resize(T);
    const CVecMap<S> p(probs.data() + x.prob, keys);
    if (T <= kDirectMaxT) {  // direct: dv += p^T dO; ds = p (dp - p . dp) scale; dq += ds K; dk += ds^T q
      const S* dO = row_at(dout, row, c);
      S ds[kDirectMaxT];
      S dot = 0;
      for (long j = 0; j < keys; ++j) {
        ds[j] = dot8(dO, row_at(v, r0 + j, c), D);
        dot += p[j] * ds[j];
      }
      for (long j = 0; j < keys; ++j) {
        axpy(p[j], dO, row_at(dv, r0 + j, c), D);
        ds[j] = p[j] * (ds[j] - dot) * x.scale;
      }
      for (long j = 0; j < keys; ++j) axpy(ds[j], row_at(k, r0 + j, c), row_at(dq, row, c), D);
      for (long j = 0; j < keys; ++j) axpy(ds[j], row_at(q, row, c), row_at(dk, r0 + j, c), D);
      return;
    }
    const auto dO = dout.row(row).segment(c, D);
    dv.block(r0, c, keys, D).noalias() += p.transpose() * dO;
    // Softmax backward: ds = p * (dp - p . dp), dp = V dO.
    auto ds = ds_buf.head(keys);
    ds.noalias() = dO * v.block(r0, c, keys, D).transpose();
    const S dot = p.dot(ds);
    ds = (p.array() * (ds.array() - dot)).matrix() * x.scale;
    dq.row(row).segment(c, D).noalias() += ds * k.block(r0, c, keys, D);
    dk.block(r0, c, keys, D).noalias() += ds.transpose() * q.row(row).segment(c, D);
  });
}

template <class S>
std::vector<double> attention_entropy(const AttentionShape& sh, const AlignedVector<S>& probs) {
  const auto& off = *sh.offsets;
  const auto& poff = *sh.prob_offsets;
  std::vector<double> sum(static_cast<std::size_t>(sh.heads), 0.0);
  long queries = 0;
  for (std::size_t i = 0; i + 1 < off.size(); ++i) {
    const long T = off[i + 1] - off[i];
    queries += T;
    for (int h = 0; h < sh.heads; ++h) {
      const S* p = probs.data() + poff[i] + static_cast<long>(h) * padded<S>(T * T);
      for (long j = 0; j < T * T; ++j)
        if (p[j] > 0) sum[static_cast<std::size_t>(h)] -= static_cast<double>(p[j]) * std::log(static_cast<double>(p[j]));
    }
  }
  for (auto& s : sum) s /= static_cast<double>(std::max(1L, queries));
  return sum;
}

template void attention_forward<float>(const AttentionShape&, const CMatRef<float>&, const CMatRef<float>&, const CMatRef<float>&,
                                       AlignedVector<float>&, MatRef<float>);
template void attention_forward<double>(const AttentionShape&, const CMatRef<double>&, const CMatRef<double>&, const CMatRef<double>&,
                                        AlignedVector<double>&, MatRef<double>);
template void attention_backward<float>(const AttentionShape&, const CMatRef<float>&, const CMatRef<float>&, const CMatRef<float>&,
                                        const AlignedVector<float>&, const CMatRef<float>&, MatRef<float>, MatRef<float>, MatRef<float>);
template void attention_backward<double>(const AttentionShape&, const CMatRef<double>&, const CMatRef<double>&, const CMatRef<double>&,
                                         const AlignedVector<double>&, const CMatRef<double>&, MatRef<double>, MatRef<double>,
                                         MatRef<double>);
template void attention_query_forward<float>(const AttentionShape&, const std::vector<int>&, const CMatRef<float>&,
                                             const CMatRef<float>&, const CMatRef<float>&, AlignedVector<float>&, MatRef<float>);
template void attention_query_forward<double>(const AttentionShape&, const std::vector<int>&, const CMatRef<double>&,
                                              const CMatRef<double>&, const CMatRef<double>&, AlignedVector<double>&,
                                              MatRef<double>);
template void attention_query_backward<float>(const AttentionShape&, const std::vector<int>&, const CMatRef<float>&,
                                              const CMatRef<float>&, const CMatRef<float>&, const AlignedVector<float>&,
                                              const CMatRef<float>&, MatRef<float>, MatRef<float>, MatRef<float>);
template void attention_query_backward<double>(const AttentionShape&, const std::vector<int>&, const CMatRef<double>&,
                                               const CMatRef<double>&, const CMatRef<double>&, const AlignedVector<double>&,
                                               const CMatRef<double>&, MatRef<double>, MatRef<double>, MatRef<double>);
template std::vector<double> attention_entropy<float>(const AttentionShape&, const AlignedVector<float>&);
template std::vector<double> attention_entropy<double>(const AttentionShape&, const AlignedVector<double>&);

}  // namespace saturn
