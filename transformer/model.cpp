#include "transformer/model.h"

#include <fmt/format.h>

#include <cmath>

#include "core/error.h"
#include "core/parallel.h"
#include "core/rng.h"
#include "transformer/layers/activation.h"
#include "transformer/layers/layernorm.h"
#include "transformer/layers/linear.h"

namespace saturn {

namespace {

constexpr std::size_t kGrainStrings = 8;

template <class S>
Mat<S> sinusoid(int max_len, int d) {
  Mat<S> p = Mat<S>::Zero(max_len, d);
  for (int t = 0; t < max_len; ++t)
    for (int j = 0; 2 * j < d; ++j) {
      const double angle = t / std::pow(10000.0, 2.0 * j / d);
      p(t, 2 * j) = static_cast<S>(std::sin(angle));
      if (2 * j + 1 < d) p(t, 2 * j + 1) = static_cast<S>(std::cos(angle));
    }
  return p;
}

// Grows a buffer to at least `rows` rows (never shrinks, so steady state allocates nothing).
template <class S>
void reserve_rows(Mat<S>& m, long rows, long cols) {
  if (m.rows() < rows || m.cols() != cols) m.resize(std::max(rows, m.rows()), cols);
}
template <class S>
void reserve_vec(Vec<S>& v, long n) {
  if (v.size() < n) v.resize(n);
}

void check_targets(const ModelConfig& c, const Batch& b) {
  const auto B = static_cast<std::size_t>(b.size()), N = static_cast<std::size_t>(b.num_tokens());
  if (c.head == HeadKind::classify && b.labels.size() != B)
    throw Error(fmt::format("batch has {} labels for {} strings", b.labels.size(), B));
  if (c.head == HeadKind::next_symbols && b.targets.size() != N * static_cast<std::size_t>(c.n_outputs))
    throw Error(fmt::format("batch has {} next-symbol targets, expected {} tokens x {} outputs", b.targets.size(), N, c.n_outputs));
  if (c.head == HeadKind::lm) {
    if (b.next_tokens.size() != N)
      throw Error(fmt::format("batch has {} next tokens for {} tokens", b.next_tokens.size(), N));
    // Ignored targets (-1): no loss there; each string needs at least one counted position.
    for (std::size_t i = 0; i < B; ++i) {
      int counted = 0;
      for (int r = b.offsets[i]; r < b.offsets[i + 1]; ++r) {
        const int t = b.next_tokens[static_cast<std::size_t>(r)];
        if (t < -1 || t >= c.n_outputs)
          throw Error(fmt::format("next token {} at position {} is neither -1 (ignored) nor an output id (< {})", t, r, c.n_outputs));
        counted += t >= 0;
      }
      if (counted == 0) throw Error(fmt::format("string {} has no counted position (every next token is -1)", i));
    }
  }
}

// lm head: positions of string [r0, r0 + T) whose target counts (next token >= 0).
long counted_positions(const Batch& b, long r0, long T) {
  long n = 0;
  for (long r = r0; r < r0 + T; ++r) n += b.next_tokens[static_cast<std::size_t>(r)] >= 0;
  return n;
}

// lm head: the one counted position of string i (0-based within it), or -1 when the string counts
// none or several.
int single_counted_position(const Batch& b, int i) {
  int pos = -1;
  for (int r = b.offsets[static_cast<std::size_t>(i)]; r < b.offsets[static_cast<std::size_t>(i) + 1]; ++r)
    if (b.next_tokens[static_cast<std::size_t>(r)] >= 0) {
      if (pos >= 0) return -1;
      pos = r - b.offsets[static_cast<std::size_t>(i)];
    }
  return pos;
}

template <class S>
S softplus(S z) {
  return std::max(z, S(0)) + std::log1p(std::exp(-std::abs(z)));
}
template <class S>
S sigmoid(S z) {
  return z >= 0 ? S(1) / (S(1) + std::exp(-z)) : std::exp(z) / (S(1) + std::exp(z));
}

// Dimension letters (transformer/tensor.h): N tokens of the packed batch, B strings, d model width,
// F feed-forward width. R rows past a layer's attention: N, or B in the narrow last layer.

// Sizes the workspace for a batch (buffers only grow) and decides whether the pass is narrow.
template <class S>
void prepare_forward(const ModelConfig& c, const Batch& batch, Workspace<S>& ws, ForwardScope scope) {
  const long N = batch.num_tokens(), d = c.d_model, F = c.d_ff;
  const int B = batch.size(), L = c.n_layers;
  ws.layers.resize(static_cast<std::size_t>(L));
  ws.prob_offsets.assign(static_cast<std::size_t>(B) + 1, 0);
  for (int i = 0; i < B; ++i)
    ws.prob_offsets[static_cast<std::size_t>(i) + 1] =
        ws.prob_offsets[static_cast<std::size_t>(i)] + attention_prob_size<S>(c.n_heads, batch.length(i));
  for (auto& a : ws.layers) {
    for (Mat<S>* mat : {&a.x_in, &a.ln1, &a.att, &a.x_mid, &a.ln2, &a.r1, &a.r2}) reserve_rows(*mat, N, d);
    reserve_rows(a.qkv, N, 3 * d);
    reserve_rows(a.fc1, N, F);
    reserve_rows(a.act, N, F);
    for (Vec<S>* v : {&a.ln1_mean, &a.ln1_rstd, &a.ln2_mean, &a.ln2_rstd}) reserve_vec(*v, N);
    if (static_cast<long>(a.probs.size()) < ws.prob_offsets.back()) a.probs.resize(static_cast<std::size_t>(ws.prob_offsets.back()));
  }
  reserve_rows(ws.x_final, N, d);
  reserve_rows(ws.z, N, d);
  reserve_rows(ws.logits, N, c.n_outputs);
  reserve_vec(ws.lnf_mean, N);
  reserve_vec(ws.lnf_rstd, N);
  reserve_rows(ws.readout, B, d);
  reserve_vec(ws.readout_logits, B);
  ws.string_loss.assign(static_cast<std::size_t>(B), 0.0);
  // Narrow pass: the last layer only at each string's readout position (a classifier reading BOS
  // or the last token; an lm head whose every string counts exactly one position).
  ws.narrow = false;
  if (scope == ForwardScope::loss && L > 0) {
    if (c.head == HeadKind::classify) ws.narrow = c.readout != ClassifyReadout::mean;
    if (c.head == HeadKind::lm) {
      ws.readout_pos.resize(static_cast<std::size_t>(B));
      ws.narrow = true;
      for (int i = 0; i < B && ws.narrow; ++i)
        ws.narrow = (ws.readout_pos[static_cast<std::size_t>(i)] = single_counted_position(batch, i)) >= 0;
    }
  }
  if (ws.narrow) {
    ws.readout_rows.resize(static_cast<std::size_t>(B));
    ws.readout_pos.resize(static_cast<std::size_t>(B));
    ws.query_prob_offsets.assign(static_cast<std::size_t>(B) + 1, 0);
    for (std::size_t i = 0; i < static_cast<std::size_t>(B); ++i) {
      const int T = batch.length(static_cast<int>(i));
      if (c.head == HeadKind::classify) ws.readout_pos[i] = c.readout == ClassifyReadout::bos ? 0 : T - 1;
      ws.readout_rows[i] = batch.offsets[i] + ws.readout_pos[i];
      ws.query_prob_offsets[i + 1] = ws.query_prob_offsets[i] + attention_query_prob_size<S>(c.n_heads, T);
    }
    auto& a = ws.layers.back();
    for (Mat<S>* mat : {&a.x_sel, &a.q_in_sel, &a.q_sel}) reserve_rows(*mat, B, d);
  }
}

// x0 (N, d) = embed[token] + position (learned or sinusoidal).
template <class S>
void embed_forward(const ModelConfig& c, const ModelTensors<const S>& w, const Batch& batch, Workspace<S>& ws,
                   Mat<S>& x0_buf) {
  const long N = batch.num_tokens(), d = c.d_model;
  Mat<S>& sin_table = ws.positions;
  if (c.positional == Positional::sinusoidal && (sin_table.rows() != c.max_len || sin_table.cols() != d))
    sin_table = sinusoid<S>(c.max_len, c.d_model);
  auto x0 = x0_buf.topRows(N);
  const CMatMap<S> embed(w.embed(), c.vocab, d);
  for (int i = 0; i < batch.size(); ++i)
    for (int t = 0; t < batch.length(i); ++t) {
      const long r = batch.offsets[static_cast<std::size_t>(i)] + t;
      x0.row(r) = embed.row(batch.tokens[static_cast<std::size_t>(r)]);
      if (c.positional == Positional::learned) x0.row(r) += CMatMap<S>(w.pos(), c.max_len, d).row(t);
      else if (c.positional == Positional::sinusoidal) x0.row(r) += sin_table.row(t);
    }
}

// d embed[token] += dx, d pos[t] += dx: scatter-add in token order (deterministic).
template <class S>
void embed_backward(const ModelConfig& c, const ModelTensors<S>& g, const Batch& batch, const CMatRef<S>& dx) {
  const long d = c.d_model;
  MatMap<S> gembed(g.embed(), c.vocab, d);
  S* gpos = g.pos();
  for (int i = 0; i < batch.size(); ++i)
    for (int t = 0; t < batch.length(i); ++t) {
      const long r = batch.offsets[static_cast<std::size_t>(i)] + t;
      gembed.row(batch.tokens[static_cast<std::size_t>(r)]) += dx.row(r);
      if (gpos) MatMap<S>(gpos, c.max_len, d).row(t) += dx.row(r);
    }
}

// Pre-LN ln1 (N, d) of the layer input, when the config puts it on the attention inputs.
template <class S>
void ln1_pre_forward(const ModelConfig& c, const LayerTensors<const S>& w, LayerActs<S>& a, long N) {
  if (c.layer_norm != LayerNormMode::post && uses_ln1(c))
    layernorm_forward<S>(a.x_in.topRows(N), w.ln1_w, w.ln1_b, static_cast<S>(c.ln_eps), a.ln1.topRows(N),
                         a.ln1_mean.head(N), a.ln1_rstd.head(N));
}

// Where a layer's q/k and v projections read from: ln1's output or the layer input x_in.
template <class S>
struct QkvInputs {
  bool ln1, qk, vv;    // pre-LN ln1 in use; q and k read it; v reads it
  CMatRef<S> qin, vin; // (N, d) each
  QkvInputs(const ModelConfig& c, const LayerActs<S>& a, long N)
      : ln1(c.layer_norm != LayerNormMode::post && uses_ln1(c)), qk(ln_on_qk(c)), vv(ln_on_v(c)),
        qin(qk ? a.ln1.topRows(N) : a.x_in.topRows(N)), vin(vv ? a.ln1.topRows(N) : a.x_in.topRows(N)) {}
};

// Self-attention at every position: ln1 (pre-LN), q | k | v (N, 3d), attention -> att (N, d).
template <class S>
void attention_block_forward(const ModelConfig& c, const LayerTensors<const S>& w, const AttentionShape& shape,
                             LayerActs<S>& a, long N) {
  const long d = c.d_model;
  ln1_pre_forward(c, w, a, N);
  const QkvInputs<S> in(c, a, N);
  const auto& [ln1, qk, vv, qin, vin] = in;
  auto qkv = a.qkv.topRows(N);
  // q | k | v: one GEMM over the stacked weights (w.q_w (3d, d), w.q_b (3d): q | k | v side by side
  // in the parameter layout) when they share their input (else q | k and v).
  if (qk == vv) {
    linear_forward<S>(qin, w.q_w, w.q_b, static_cast<int>(3 * d), qkv);
  } else {
    linear_forward<S>(qin, w.q_w, w.q_b, static_cast<int>(2 * d), qkv.leftCols(2 * d));
    linear_forward<S>(vin, w.q_w + 2 * d * d, w.q_b ? w.q_b + 2 * d : nullptr, static_cast<int>(d), qkv.rightCols(d));
  }
  attention_forward<S>(shape, qkv.leftCols(d), qkv.middleCols(d, d), qkv.rightCols(d), a.probs, a.att.topRows(N));
}

// The narrow path (ForwardScope::loss, one readout position per string), last layer only: k | v
// at every position (N, 2d), q (B, d) and attention -> att (B, d) at the readout rows; x_sel (B, d)
// keeps the residual stream there.
template <class S>
void narrow_attention_forward(const ModelConfig& c, const LayerTensors<const S>& w, const Batch& batch,
                              Workspace<S>& ws, LayerActs<S>& a) {
  const long N = batch.num_tokens(), d = c.d_model;
  const int B = batch.size();
  ln1_pre_forward(c, w, a, N);
  const QkvInputs<S> in(c, a, N);
  const auto& [ln1, qk, vv, qin, vin] = in;
  auto qkv = a.qkv.topRows(N);
  auto bias = [&](long j) { return w.q_b ? w.q_b + j * d : nullptr; };
  // k | v at every position (one GEMM when they share their input), q at the readouts.
  if (qk == vv) {
    linear_forward<S>(qin, w.q_w + d * d, bias(1), static_cast<int>(2 * d), qkv.rightCols(2 * d));
  } else {
    linear_forward<S>(qin, w.q_w + d * d, bias(1), static_cast<int>(d), qkv.middleCols(d, d));
    linear_forward<S>(vin, w.q_w + 2 * d * d, bias(2), static_cast<int>(d), qkv.rightCols(d));
  }
  for (int i = 0; i < B; ++i) {
    const long r = ws.readout_rows[static_cast<std::size_t>(i)];
    a.x_sel.row(i) = a.x_in.row(r);
    a.q_in_sel.row(i) = qin.row(r);
  }
  linear_forward<S>(a.q_in_sel.topRows(B), w.q_w, bias(0), static_cast<int>(d), a.q_sel.topRows(B));
  const AttentionShape qshape{c.n_heads, c.causal, &batch.offsets, &ws.query_prob_offsets, ws.mode,
                              {c.attention_scale, c.score_rounding}};
  attention_query_forward<S>(qshape, ws.readout_pos, a.q_sel.topRows(B), qkv.middleCols(d, d), qkv.rightCols(d), a.probs,
                             a.att.topRows(B));
}

// The rest of a layer over R rows: o projection plus the residual `resid`, ln1 (post-LN), ln2
// (pre-LN), MLP fc1 -> activation -> fc2 plus the residual, ln2 (post-LN) -> out (R, d).
template <class S>
void mlp_block_forward(const ModelConfig& c, const LayerTensors<const S>& w, LayerActs<S>& a, const CMatRef<S>& resid,
                       long R, Mat<S>& out_buf) {
  const long d = c.d_model, F = c.d_ff;
  const bool post = c.layer_norm == LayerNormMode::post;
  const S eps = static_cast<S>(c.ln_eps);
  // x_mid (pre) or r1 (post) = resid + o(att)
  Mat<S>& sum1_buf = post ? a.r1 : a.x_mid;
  auto sum1 = sum1_buf.topRows(R);
  linear_forward<S>(a.att.topRows(R), w.o_w, w.o_b, static_cast<int>(d), sum1);
  sum1 += resid;
  if (post)
    layernorm_forward<S>(a.r1.topRows(R), w.ln1_w, w.ln1_b, eps, a.x_mid.topRows(R), a.ln1_mean.head(R), a.ln1_rstd.head(R));
  const auto x_mid = a.x_mid.topRows(R);
  const bool ln2_pre = !post && uses_ln2(c);
  if (ln2_pre) layernorm_forward<S>(x_mid, w.ln2_w, w.ln2_b, eps, a.ln2.topRows(R), a.ln2_mean.head(R), a.ln2_rstd.head(R));
  const auto mlp_in = ln2_pre ? a.ln2.topRows(R) : x_mid;
  linear_forward<S>(mlp_in, w.fc1_w, w.fc1_b, static_cast<int>(F), a.fc1.topRows(R));
  activation_forward<S>(c.activation, a.fc1.topRows(R), a.act.topRows(R));
  Mat<S>& sum2_buf = post ? a.r2 : out_buf;
  auto sum2 = sum2_buf.topRows(R);
  linear_forward<S>(a.act.topRows(R), w.fc2_w, w.fc2_b, static_cast<int>(d), sum2);
  sum2 += x_mid;
  if (post)
    layernorm_forward<S>(a.r2.topRows(R), w.ln2_w, w.ln2_b, eps, out_buf.topRows(R), a.ln2_mean.head(R), a.ln2_rstd.head(R));
}

// One layer at every position: x_in (N, d) -> out (N, d).
template <class S>
void block_forward(const ModelConfig& c, const LayerTensors<const S>& w, const AttentionShape& shape, LayerActs<S>& a,
                   long N, Mat<S>& out_buf) {
  attention_block_forward(c, w, shape, a, N);
  mlp_block_forward<S>(c, w, a, a.x_in.topRows(N), N, out_buf);
}

// The narrow last layer: x_in (N, d) -> out (B, d), row i at string i's readout position.
template <class S>
void narrow_block_forward(const ModelConfig& c, const LayerTensors<const S>& w, const Batch& batch, Workspace<S>& ws,
                          LayerActs<S>& a, Mat<S>& out_buf) {
  const int B = batch.size();
  narrow_attention_forward(c, w, batch, ws, a);
  mlp_block_forward<S>(c, w, a, a.x_sel.topRows(B), B, out_buf);
}

// Backward of mlp_block_forward: dxr (R, d) holds d out on entry and d resid on return (the
// residual branch); datt (R, d) receives d att. dtmp, dact, dfc are scratch.
template <class S>
void mlp_block_backward(const ModelConfig& c, const LayerTensors<const S>& w, const LayerTensors<S>& g,
                        const LayerActs<S>& a, long R, MatRef<S> dxr, MatRef<S> datt, MatRef<S> dtmp, MatRef<S> dact,
                        MatRef<S> dfc) {
  const bool post = c.layer_norm == LayerNormMode::post;
  const auto x_mid = a.x_mid.topRows(R);
  // Post-LN: the stream after a residual sum r is ln(r); dxr <- d r.
  auto post_ln_backward = [&](const Mat<S>& r, const S* lw, const Vec<S>& mean, const Vec<S>& rstd, S* gw, S* gb) {
    dtmp.setZero();
    layernorm_backward<S>(r.topRows(R), lw, mean.head(R), rstd.head(R), dxr, dtmp, gw, gb);
    dxr = dtmp;
  };
  if (post) post_ln_backward(a.r2, w.ln2_w, a.ln2_mean, a.ln2_rstd, g.ln2_w, g.ln2_b);  // out = ln2(r2)
  // MLP: (x_mid or ln2(x_mid)) -> fc1 -> act -> fc2, added to the residual.
  linear_backward_input<S>(w.fc2_w, dxr, dact, /*accumulate=*/false);
  linear_backward_params<S>(a.act.topRows(R), dxr, g.fc2_w, g.fc2_b);
  activation_backward<S>(c.activation, a.fc1.topRows(R), dact, dfc, /*accumulate=*/false);  // d fc1 pre-activation
  if (!post && uses_ln2(c)) {
    // datt as scratch for d ln2(x_mid)
    linear_backward_input<S>(w.fc1_w, dfc, datt, /*accumulate=*/false);
    linear_backward_params<S>(a.ln2.topRows(R), dfc, g.fc1_w, g.fc1_b);
    layernorm_backward<S>(x_mid, w.ln2_w, a.ln2_mean.head(R), a.ln2_rstd.head(R), datt, dxr, g.ln2_w, g.ln2_b);
  } else {
    linear_backward<S>(x_mid, w.fc1_w, dfc, dxr, g.fc1_w, g.fc1_b);
  }
  if (post) post_ln_backward(a.r1, w.ln1_w, a.ln1_mean, a.ln1_rstd, g.ln1_w, g.ln1_b);  // x_mid = ln1(r1)
  // o projection
  linear_backward_input<S>(w.o_w, dxr, datt, /*accumulate=*/false);
  linear_backward_params<S>(a.att.topRows(R), dxr, g.o_w, g.o_b);
}

// Backward of attention_block_forward: d att (N, d) -> dx (N, d) += d x_in (dx holds the
// residual branch on entry). dqkv (N, 3d) and dln (N, d) are scratch.
template <class S>
void attention_block_backward(const ModelConfig& c, const LayerTensors<const S>& w, const LayerTensors<S>& g,
                              const AttentionShape& shape, const LayerActs<S>& a, long N, const CMatRef<S>& datt,
                              MatRef<S> dx, MatRef<S> dqkv, MatRef<S> dln) {
  const long d = c.d_model;
  const QkvInputs<S> in(c, a, N);
  const auto& [ln1, qk, vv, qin, vin] = in;
  const auto qkv = a.qkv.topRows(N);
  dqkv.setZero();
  attention_backward<S>(shape, qkv.leftCols(d), qkv.middleCols(d, d), qkv.rightCols(d), a.probs, datt, dqkv.leftCols(d),
                        dqkv.middleCols(d, d), dqkv.rightCols(d));
  // Input gradients through the stacked weights of the forward pass (one GEMM when q, k, v share
  // their input); dln is written, dx accumulated.
  if (qk == vv) {
    linear_backward_input<S>(w.q_w, dqkv, qk ? dln : dx, /*accumulate=*/!qk);
  } else {
    linear_backward_input<S>(w.q_w, dqkv.leftCols(2 * d), qk ? dln : dx, /*accumulate=*/!qk);
    linear_backward_input<S>(w.q_w + 2 * d * d, dqkv.rightCols(d), vv ? dln : dx, /*accumulate=*/!vv);
  }
  if (ln1 && !qk && !vv) dln.setZero();
  linear_backward_params<S>(qin, dqkv.leftCols(d), g.q_w, g.q_b);
  linear_backward_params<S>(qin, dqkv.middleCols(d, d), g.k_w, g.k_b);
  linear_backward_params<S>(vin, dqkv.rightCols(d), g.v_w, g.v_b);
  if (ln1) layernorm_backward<S>(a.x_in.topRows(N), w.ln1_w, a.ln1_mean.head(N), a.ln1_rstd.head(N), dln, dx, g.ln1_w, g.ln1_b);
}

// Backward of narrow_attention_forward: d att (B, d) and the residual's gradient dxr (B, d) at the
// readout rows -> dx (N, d) = d x_in (written). dqkv (N, 3d), dln (N, d) are scratch.
template <class S>
void narrow_attention_backward(const ModelConfig& c, const LayerTensors<const S>& w, const LayerTensors<S>& g,
                               const Batch& batch, Workspace<S>& ws, const LayerActs<S>& a, const CMatRef<S>& datt,
                               const CMatRef<S>& dxr, MatRef<S> dx, MatRef<S> dqkv, MatRef<S> dln) {
  const long N = batch.num_tokens(), d = c.d_model;
  const int B = batch.size();
  const QkvInputs<S> in(c, a, N);
  const auto& [ln1, qk, vv, qin, vin] = in;
  const auto qkv = a.qkv.topRows(N);
  dqkv.setZero();
  // The residual reaches x_in at the readout rows only; k and v at every row; q at the readouts.
  dx.setZero();
  for (int i = 0; i < B; ++i) dx.row(ws.readout_rows[static_cast<std::size_t>(i)]) += dxr.row(i);
  auto dq = ws.dq_sel.topRows(B);
  dq.setZero();
  const AttentionShape qshape{c.n_heads, c.causal, &batch.offsets, &ws.query_prob_offsets, {},
                              {c.attention_scale, c.score_rounding}};
  attention_query_backward<S>(qshape, ws.readout_pos, a.q_sel.topRows(B), qkv.middleCols(d, d), qkv.rightCols(d), a.probs,
                              datt, dq, dqkv.middleCols(d, d), dqkv.rightCols(d));
  if (ln1) dln.setZero();
  if (qk == vv) {
    linear_backward_input<S>(w.q_w + d * d, dqkv.rightCols(2 * d), qk ? dln : dx);
  } else {
    linear_backward_input<S>(w.q_w + d * d, dqkv.middleCols(d, d), qk ? dln : dx);
    linear_backward_input<S>(w.q_w + 2 * d * d, dqkv.rightCols(d), vv ? dln : dx);
  }
  auto dq_in = ws.dq_in_sel.topRows(B);
  linear_backward_input<S>(w.q_w, dq, dq_in, /*accumulate=*/false);
  auto dq_target = qk ? dln : dx;
  for (int i = 0; i < B; ++i) dq_target.row(ws.readout_rows[static_cast<std::size_t>(i)]) += dq_in.row(i);
  linear_backward_params<S>(a.q_in_sel.topRows(B), dq, g.q_w, g.q_b);
  linear_backward_params<S>(qin, dqkv.middleCols(d, d), g.k_w, g.k_b);
  linear_backward_params<S>(vin, dqkv.rightCols(d), g.v_w, g.v_b);
  if (ln1) layernorm_backward<S>(a.x_in.topRows(N), w.ln1_w, a.ln1_mean.head(N), a.ln1_rstd.head(N), dln, dx, g.ln1_w, g.ln1_b);
}

// Backward of block_forward: dx (N, d) holds d out on entry and d x_in on return.
template <class S>
void block_backward(const ModelConfig& c, const LayerTensors<const S>& w, const LayerTensors<S>& g,
                    const AttentionShape& shape, const LayerActs<S>& a, Workspace<S>& ws, long N) {
  auto dx = ws.dx.topRows(N);
  mlp_block_backward<S>(c, w, g, a, N, dx, ws.datt.topRows(N), ws.dtmp.topRows(N), ws.dff.topRows(N), ws.dff2.topRows(N));
  attention_block_backward<S>(c, w, g, shape, a, N, ws.datt.topRows(N), dx, ws.dqkv.topRows(N), ws.dtmp.topRows(N));
}

// Backward of narrow_block_forward: dx_sel (B, d) holds d out on entry; dx (N, d) = d x_in.
template <class S>
void narrow_block_backward(const ModelConfig& c, const LayerTensors<const S>& w, const LayerTensors<S>& g,
                           const Batch& batch, const LayerActs<S>& a, Workspace<S>& ws) {
  const long N = batch.num_tokens(), B = batch.size();
  auto dxr = ws.dx_sel.topRows(B);
  mlp_block_backward<S>(c, w, g, a, B, dxr, ws.datt.topRows(B), ws.dtmp.topRows(B), ws.dff.topRows(B), ws.dff2.topRows(B));
  narrow_attention_backward<S>(c, w, g, batch, ws, a, ws.datt.topRows(B), dxr, ws.dx.topRows(N), ws.dqkv.topRows(N),
                               ws.dtmp.topRows(N));
}

// ln_f: z (Z, d) = ln_f(x_final), or x_final when the config has no final norm.
template <class S>
void final_norm_forward(const ModelConfig& c, const ModelTensors<const S>& w, Workspace<S>& ws, long Z) {
  auto z = ws.z.topRows(Z);
  if (uses_ln_f(c))
    layernorm_forward<S>(ws.x_final.topRows(Z), w.lnf_w(), w.lnf_b(), static_cast<S>(c.ln_eps), z, ws.lnf_mean.head(Z),
                         ws.lnf_rstd.head(Z));
  else
    z = ws.x_final.topRows(Z);
}

// d z (Z, d) -> d x_final (Z, d) written to dx_top.
template <class S>
void final_norm_backward(const ModelConfig& c, const ModelTensors<const S>& w, const ModelTensors<S>& g,
                         const Workspace<S>& ws, long Z, const CMatRef<S>& dz_state, MatRef<S> dx_top) {
  if (uses_ln_f(c)) {
    dx_top.setZero();
    layernorm_backward<S>(ws.x_final.topRows(Z), w.lnf_w(), ws.lnf_mean.head(Z), ws.lnf_rstd.head(Z), dz_state, dx_top,
                          g.lnf_w(), g.lnf_b());
  } else {
    dx_top = dz_state;
  }
}

// classify head: logit_i = alpha (w . readout_i + b), loss_i = BCE-with-logits(logit_i, y_i);
// readout_i the final state at BOS, at the last token, or their mean (z: (Z, d); in a narrow pass
// row i is already string i's readout).
template <class S>
void classify_head_forward(const ModelConfig& c, const ModelTensors<const S>& w, const Batch& batch, Workspace<S>& ws,
                           long Z, std::vector<char>& correct) {
  const long d = c.d_model;
  const S alpha = static_cast<S>(c.readout_scale);
  const auto z = ws.z.topRows(Z);
  const CVecMap<S> hw(w.head_w(), d);
  const S* hb = w.head_b();
  for (int i = 0; i < batch.size(); ++i) {
    const long r0 = batch.offsets[static_cast<std::size_t>(i)], T = batch.length(i);
    if (ws.narrow) ws.readout.row(i) = z.row(i);  // row i holds string i's readout position
    else switch (c.readout) {
      case ClassifyReadout::bos: ws.readout.row(i) = z.row(r0); break;
      case ClassifyReadout::last: ws.readout.row(i) = z.row(r0 + T - 1); break;
      case ClassifyReadout::mean:
        ws.readout.row(i).setZero();
        for (long t = 0; t < T; ++t) ws.readout.row(i) += z.row(r0 + t);
        ws.readout.row(i) /= static_cast<S>(T);
        break;
    }
    const S logit = alpha * (ws.readout.row(i).dot(hw) + hb[0]);
    ws.readout_logits[i] = logit;
    const S y = batch.labels[static_cast<std::size_t>(i)];
    ws.string_loss[static_cast<std::size_t>(i)] = softplus(logit) - y * logit;
    correct[static_cast<std::size_t>(i)] = (logit > 0) == (y > S(0.5));
  }
}

// Backward of classify_head_forward: head gradients, and d z (Z, d) written to dz_state.
template <class S>
void classify_head_backward(const ModelConfig& c, const ModelTensors<const S>& w, const ModelTensors<S>& g,
                            const Batch& batch, const Workspace<S>& ws, MatRef<S> dz_state) {
  const long d = c.d_model;
  const int B = batch.size();
  const S alpha = static_cast<S>(c.readout_scale);
  const S inv_b = S(1) / static_cast<S>(B);
  dz_state.setZero();
  VecMap<S> gw(g.head_w(), d);
  S* gb = g.head_b();
  const CVecMap<S> hw(w.head_w(), d);
  for (int i = 0; i < B; ++i) {
    const S dlogit = (sigmoid(ws.readout_logits[i]) - batch.labels[static_cast<std::size_t>(i)]) * inv_b;
    gw += alpha * dlogit * ws.readout.row(i);
    gb[0] += alpha * dlogit;
    const long r0 = batch.offsets[static_cast<std::size_t>(i)], T = batch.length(i);
    const auto dstate = (alpha * dlogit * hw).eval();
    if (ws.narrow) dz_state.row(i) += dstate;
    else switch (c.readout) {
      case ClassifyReadout::bos: dz_state.row(r0) += dstate; break;
      case ClassifyReadout::last: dz_state.row(r0 + T - 1) += dstate; break;
      case ClassifyReadout::mean: dz_state.middleRows(r0, T).rowwise() += dstate / static_cast<S>(T); break;
    }
  }
}

// next_symbols loss of the string in rows [r0, r0 + T): the mean over its T x O outputs of
// BCE-with-logits (loss bce), or of the squared error of the sigmoid, (sigmoid(z) - y)^2 (loss mse:
// torch.nn.MSELoss on sigmoid outputs, as Bhattamishra et al. 2020 train); logits (N, O) already
// scaled by alpha; `all` = every bit right (z > 0 <=> sigmoid(z) > 0.5).
template <class S>
S next_symbols_string_loss(const Batch& batch, const CMatRef<S>& logits, long r0, long T, long O, LossKind kind,
                           bool& all) {
  S loss = 0;
  all = true;
  for (long r = r0; r < r0 + T; ++r)
    for (long o = 0; o < O; ++o) {
      const S zz = logits(r, o), y = batch.targets[static_cast<std::size_t>(r * O + o)];
      if (kind == LossKind::mse) {
        const S e = sigmoid(zz) - y;
        loss += e * e;
      } else {
        loss += softplus(zz) - y * zz;
      }
      all = all && ((zz > 0) == (y > S(0.5)));
    }
  return loss / static_cast<S>(T * O);
}

// Cross-entropy of one row of logits (O) for `target`; `right` = its argmax is the target.
template <class Row>
typename Row::Scalar cross_entropy(const Row& logits, int target, bool& right) {
  Eigen::Index best = 0;
  const auto mx = logits.maxCoeff(&best);
  right = best == target;
  return mx + std::log((logits.array() - mx).exp().sum()) - logits(target);
}

// lm loss of the string in rows [r0, r0 + T): the mean over its counted positions (next token >= 0)
// of the cross-entropy; `all` = every counted position's argmax right.
template <class S>
S lm_string_loss(const Batch& batch, const CMatRef<S>& logits, long r0, long T, bool& all) {
  S loss = 0;
  all = true;
  for (long r = r0; r < r0 + T; ++r) {
    const int target = batch.next_tokens[static_cast<std::size_t>(r)];
    if (target < 0) continue;  // ignored position
    bool right = false;
    loss += cross_entropy(logits.row(r), target, right);
    all = all && right;
  }
  return loss / static_cast<S>(counted_positions(batch, r0, T));
}

// next_symbols / lm heads: logits (Z, O) = alpha (z head_w^T + head_b), then each string's loss
// (Z = N, or B in a narrow lm pass: row i is string i's one counted position).
template <class S>
void token_head_forward(const ModelConfig& c, const ModelTensors<const S>& w, const Batch& batch, Workspace<S>& ws,
                        long Z, std::vector<char>& correct) {
  const long O = c.n_outputs;
  auto logits = ws.logits.topRows(Z);
  linear_forward<S>(ws.z.topRows(Z), w.head_w(), w.head_b(), c.n_outputs, logits);
  logits *= static_cast<S>(c.readout_scale);
  parallel_chunks(0, static_cast<std::size_t>(batch.size()), kGrainStrings, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t i = lo; i < hi; ++i) {
      const long r0 = batch.offsets[i], T = batch.offsets[i + 1] - r0;
      bool all = true;
      if (ws.narrow)
        ws.string_loss[i] = cross_entropy(logits.row(static_cast<long>(i)), batch.next_tokens[static_cast<std::size_t>(ws.readout_rows[i])], all);
      else
        ws.string_loss[i] = c.head == HeadKind::next_symbols ? next_symbols_string_loss<S>(batch, logits, r0, T, O, c.loss, all)
                                                             : lm_string_loss<S>(batch, logits, r0, T, all);
      correct[i] = all;
    }
  });
}

// d logits of next_symbols_string_loss / B for the string in rows [r0, r0 + T), into dlog (N, O):
// bce: sigmoid(z) - y; mse: 2 (sigmoid(z) - y) sigmoid(z) (1 - sigmoid(z)); times alpha / (B T O).
template <class S>
void next_symbols_string_backward(const Batch& batch, const CMatRef<S>& logits, long r0, long T, long O, LossKind kind,
                                  S alpha, S inv_b, MatRef<S> dlog) {
  const S scale = inv_b / static_cast<S>(T * O);
  for (long r = r0; r < r0 + T; ++r)
    for (long o = 0; o < O; ++o) {
      const S p = sigmoid(logits(r, o)), e = p - batch.targets[static_cast<std::size_t>(r * O + o)];
      dlog(r, o) = kind == LossKind::mse ? alpha * scale * (S(2) * e * p * (S(1) - p)) : alpha * scale * e;
    }
}

// dlog (O) = scale * d cross_entropy(logits, target) / d logits = scale (softmax(logits) - onehot).
template <class Row, class Out>
void cross_entropy_backward(const Row& logits, int target, typename Row::Scalar scale, Out dlog) {
  const auto mx = logits.maxCoeff();
  dlog = (logits.array() - mx).exp();
  dlog /= dlog.sum();
  dlog(target) -= 1;
  dlog *= scale;
}

// d logits of lm_string_loss / B for the string in rows [r0, r0 + T) (0 at ignored positions).
template <class S>
void lm_string_backward(const Batch& batch, const CMatRef<S>& logits, long r0, long T, S alpha, S inv_b, MatRef<S> dlog) {
  const long counted = counted_positions(batch, r0, T);
  for (long r = r0; r < r0 + T; ++r) {
    const int target = batch.next_tokens[static_cast<std::size_t>(r)];
    if (target < 0) {  // ignored position
      dlog.row(r).setZero();
      continue;
    }
    cross_entropy_backward(logits.row(r), target, alpha * (inv_b / static_cast<S>(counted)), dlog.row(r));
  }
}

// Backward of token_head_forward: head gradients, and d z (Z, d) written to dz_state.
template <class S>
void token_head_backward(const ModelConfig& c, const ModelTensors<const S>& w, const ModelTensors<S>& g,
                         const Batch& batch, Workspace<S>& ws, long Z, MatRef<S> dz_state) {
  const long O = c.n_outputs;
  const S alpha = static_cast<S>(c.readout_scale);
  const S inv_b = S(1) / static_cast<S>(batch.size());
  dz_state.setZero();
  auto dlog = ws.dz.topRows(Z);
  const auto logits = ws.logits.topRows(Z);
  parallel_chunks(0, static_cast<std::size_t>(batch.size()), kGrainStrings, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t i = lo; i < hi; ++i) {
      const long r0 = batch.offsets[i], T = batch.offsets[i + 1] - r0;
      if (ws.narrow)
        cross_entropy_backward(logits.row(static_cast<long>(i)), batch.next_tokens[static_cast<std::size_t>(ws.readout_rows[i])],
                               alpha * inv_b, dlog.row(static_cast<long>(i)));
      else if (c.head == HeadKind::next_symbols) next_symbols_string_backward<S>(batch, logits, r0, T, O, c.loss, alpha, inv_b, dlog);
      else lm_string_backward<S>(batch, logits, r0, T, alpha, inv_b, dlog);
    }
  });
  linear_backward<S>(ws.z.topRows(Z), w.head_w(), dlog, dz_state, g.head_w(), g.head_b());
}

}  // namespace

template <class S>
Model<S>::Model(ModelConfig c) : config(std::move(c)), table(parameter_table(config)), params(table.total_size(), S(0)),
      offsets(param_offsets(config, table)) {
  config.validate();
}

template <class S>
void Model<S>::init(std::uint64_t seed) {
  const auto& specs = table.specs();
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const auto& t = specs[i];
    S* p = params.data() + t.offset;
    Rng rng(seed, i);
    const bool is_bias = t.name.size() > 5 && t.name.compare(t.name.size() - 5, 5, ".bias") == 0;
    const bool is_ln = t.group == ParamGroup::layer_norm;
    double std = 0;
    if (t.name == "embed.weight" || t.name == "pos.weight") std = 0.02;
    else if (!is_bias && !is_ln) std = 1.0 / std::sqrt(static_cast<double>(t.shape[1]));  // LeCun normal
    for (std::size_t j = 0; j < t.size; ++j) p[j] = is_ln && !is_bias ? S(1) : static_cast<S>(std * rng.normal());
  }
}

template <class S>
StepStats forward(const Model<S>& m, const Batch& batch, Workspace<S>& ws, const AttentionMode& mode, ForwardScope scope) {
  const auto& c = m.config;
  const long N = batch.num_tokens();
  const int B = batch.size(), L = c.n_layers;
  if (B <= 0) throw Error("forward: empty batch");
  check_targets(c, batch);
  for (int tok : batch.tokens)
    if (tok < 0 || tok >= c.vocab) throw Error(fmt::format("token id {} outside the vocabulary of {}", tok, c.vocab));
  ws.mode = mode;
  for (int i = 0; i < B; ++i)
    if (batch.length(i) > c.max_len)
      throw Error(fmt::format("string of {} tokens exceeds the model's max_len {}", batch.length(i), c.max_len));
  prepare_forward(c, batch, ws, scope);
  const auto w = m.weights();

  embed_forward(c, w, batch, ws, L > 0 ? ws.layers[0].x_in : ws.x_final);
  const AttentionShape shape{c.n_heads, c.causal, &batch.offsets, &ws.prob_offsets, mode, {c.attention_scale, c.score_rounding}};
  for (int l = 0; l < L; ++l) {
    auto& a = ws.layers[static_cast<std::size_t>(l)];
    Mat<S>& out_buf = l + 1 < L ? ws.layers[static_cast<std::size_t>(l) + 1].x_in : ws.x_final;
    if (ws.narrow && l == L - 1) narrow_block_forward(c, w.layer(l), batch, ws, a, out_buf);
    else block_forward(c, w.layer(l), shape, a, N, out_buf);
  }
  const long Z = ws.narrow ? B : N;  // rows of x_final and z
  final_norm_forward(c, w, ws, Z);

  std::vector<char> correct(static_cast<std::size_t>(B), 0);
  if (c.head == HeadKind::classify) classify_head_forward(c, w, batch, ws, Z, correct);
  else token_head_forward(c, w, batch, ws, Z, correct);
  StepStats st;
  st.strings = B;
  for (int i = 0; i < B; ++i) {
    st.loss += static_cast<double>(ws.string_loss[static_cast<std::size_t>(i)]);
    st.correct += correct[static_cast<std::size_t>(i)];
  }
  st.loss /= B;
  return st;
}

template <class S>
void backward(const Model<S>& m, const Batch& batch, Workspace<S>& ws, S* grads) {
  const auto& c = m.config;
  const long N = batch.num_tokens(), d = c.d_model, F = c.d_ff;
  const int B = batch.size(), L = c.n_layers;
  if (ws.mode.kind != AttentionKind::softmax) throw Error("backward needs a forward pass with softmax attention");
  for (Mat<S>* mat : {&ws.dx, &ws.dtmp, &ws.datt}) reserve_rows(*mat, N, d);
  reserve_rows(ws.dqkv, N, 3 * d);
  reserve_rows(ws.dff, N, F);
  reserve_rows(ws.dff2, N, F);
  reserve_rows(ws.dz, N, std::max<long>(c.n_outputs, 1));
  if (ws.narrow)
    for (Mat<S>* mat : {&ws.dx_sel, &ws.dq_sel, &ws.dq_in_sel}) reserve_rows(*mat, B, d);
  const auto w = m.weights();
  const auto g = m.gradients(grads);
  const long Z = ws.narrow ? B : N;  // rows of z (see forward)

  // Head: d z (Z, d) into dtmp; then ln_f: the residual's gradient after the last layer (dx_sel
  // in a narrow pass, else dx).
  auto dz_state = ws.dtmp.topRows(Z);
  if (c.head == HeadKind::classify) classify_head_backward<S>(c, w, g, batch, ws, dz_state);
  else token_head_backward<S>(c, w, g, batch, ws, Z, dz_state);
  final_norm_backward<S>(c, w, g, ws, Z, dz_state, (ws.narrow ? ws.dx_sel : ws.dx).topRows(Z));

  const AttentionShape shape{c.n_heads, c.causal, &batch.offsets, &ws.prob_offsets, {}, {c.attention_scale, c.score_rounding}};
  for (int l = L - 1; l >= 0; --l) {
    const auto& a = ws.layers[static_cast<std::size_t>(l)];
    if (ws.narrow && l == L - 1) narrow_block_backward(c, w.layer(l), g.layer(l), batch, a, ws);
    else block_backward(c, w.layer(l), g.layer(l), shape, a, ws, N);
  }
  embed_backward<S>(c, g, batch, ws.dx.topRows(N));
}

template <class S>
CMatMap<S> attention_weights(const Model<S>& m, const Batch& batch, const Workspace<S>& ws, int l, int i, int h) {
  if (l < 0 || l >= m.config.n_layers || i < 0 || i >= batch.size() || h < 0 || h >= m.config.n_heads)
    throw Error(fmt::format("attention_weights: layer {}, string {}, head {} out of range", l, i, h));
  if (ws.narrow && l == m.config.n_layers - 1)
    throw Error("attention_weights: the last forward pass computed the last layer at the readout positions only");
  const long T = batch.length(i);
  return CMatMap<S>(ws.layers[static_cast<std::size_t>(l)].probs.data() + ws.prob_offsets[static_cast<std::size_t>(i)] +
                        static_cast<long>(h) * padded<S>(T * T),
                    T, T);
}

template <class S>
std::vector<std::vector<double>> attention_entropies(const Model<S>& m, const Batch& batch, const Workspace<S>& ws) {
  if (ws.narrow) throw Error("attention_entropies: the last forward pass computed the readout positions only");
  std::vector<std::vector<double>> out;
  const AttentionShape shape{m.config.n_heads, m.config.causal, &batch.offsets, &ws.prob_offsets};
  for (const auto& a : ws.layers) out.push_back(attention_entropy<S>(shape, a.probs));
  return out;
}

template struct Model<float>;
template struct Model<double>;
template StepStats forward<float>(const Model<float>&, const Batch&, Workspace<float>&, const AttentionMode&, ForwardScope);
template StepStats forward<double>(const Model<double>&, const Batch&, Workspace<double>&, const AttentionMode&, ForwardScope);
template CMatMap<float> attention_weights<float>(const Model<float>&, const Batch&, const Workspace<float>&, int, int, int);
template CMatMap<double> attention_weights<double>(const Model<double>&, const Batch&, const Workspace<double>&, int, int, int);
template void backward<float>(const Model<float>&, const Batch&, Workspace<float>&, float*);
template void backward<double>(const Model<double>&, const Batch&, Workspace<double>&, double*);
template std::vector<std::vector<double>> attention_entropies<float>(const Model<float>&, const Batch&, const Workspace<float>&);
template std::vector<std::vector<double>> attention_entropies<double>(const Model<double>&, const Batch&, const Workspace<double>&);

}  // namespace saturn
