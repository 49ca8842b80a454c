#include "saturated_transformer/trie_batch.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "transformer/layers/attention.h"
#include "transformer/layers/gemm.h"

namespace saturn {

// Letters: n nodes of a slice, d model width, f = d_ff, T the slice's depth (its position).

namespace {
double gelu(double x) { return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); }  // as evaluator.cpp

// y = a w^T + b (a Linear layer; w is [out, in]), through the linear layers' GEMM (layers/gemm.h).
// The bias is written first and the product accumulated onto it: the same sums as (a w^T) + b,
// without a zeroing pass or a broadcast.
template <class Y, class A, class W, class B>
void linear(Y&& y, const A& a, const W& w, const B& b) {
  for (long i = 0; i < y.rows(); ++i) y.row(i) = b;
  gemm(Op::none, Op::transpose, a, w, /*accumulate=*/true, y);
}
}  // namespace

TrieBatch::TrieBatch(const Evaluator& ev, int sigma, int max_depth, int rows)
    : ev_(ev), sigma_(sigma), max_depth_(max_depth), rows_(std::max(rows, 1)) {
  const auto& c = ev_.config();
  if (!c.causal || c.head != HeadKind::classify) throw Error("the batched trie walk needs a causal model with a classify head");
  if (sigma < 1 || sigma > c.vocab) throw Error(fmt::format("alphabet of {} symbols for a model of {} tokens", sigma, c.vocab));
  if (max_depth < 0 || max_depth + 1 > c.max_len)
    throw Error(fmt::format("string of length {} exceeds the model's max_len {}", max_depth, c.max_len - 1));
  const long d = c.d_model, D = max_depth + 1;
  levels_.resize(static_cast<std::size_t>(D));
  anc_.resize(static_cast<std::size_t>(rows_ * D));
  key_rows_.resize(static_cast<std::size_t>(D));
  x_.resize(rows_, d);
  normed_.resize(rows_, d);
  heads_.resize(rows_, d);
  att_.resize(rows_, d);
  final_.resize(rows_, d);
  ffn_.resize(rows_, c.d_ff);
  q0_.resize(rows_, d);
  scores_all_.resize(rows_, D);
  weights_all_.resize(rows_, D);
  shared_.resize(D, 3 * d);
  for (const auto& l : ev_.layers_) {
    RowMatrix w(3 * d, d);  // (3d, d)
    w << l.wq, l.wk, l.wv;
    Eigen::RowVectorXd b(3 * d);
    b << l.bq, l.bk, l.bv;
    wqkv_.push_back(std::move(w));
    bqkv_.push_back(std::move(b));
  }
  // The first layer's q|k|v of every (token, position): its input is embed + pos alone.
  const long V = c.vocab;
  RowMatrix x(V * D, d);  // (V * D, d), row t * V + token
  for (long t = 0; t < D; ++t)
    for (long a = 0; a < V; ++a) x.row(t * V + a) = ev_.embed_.row(a) + ev_.pos_.row(t);
  qkv0_.resize(V * D, 3 * d);
  if (c.n_layers > 0) {
    const auto& l = ev_.layers_[0];
    RowMatrix a = x;
    bool qk_normed = false, v_normed = false;
    if (c.layer_norm != LayerNormMode::post && l.ln1) {
      ev_.layer_norm(a, l.ln1_w, l.ln1_b);
      qk_normed = c.ln.attn == AttnLnPlace::qkv || c.ln.attn == AttnLnPlace::qk;
      v_normed = c.ln.attn == AttnLnPlace::qkv || c.ln.attn == AttnLnPlace::v;
    }
    qkv0_.leftCols(2 * d).noalias() = (qk_normed ? a : x) * wqkv_[0].topRows(2 * d).transpose();
    qkv0_.rightCols(d).noalias() = (v_normed ? a : x) * wqkv_[0].bottomRows(d).transpose();
    qkv0_.rowwise() += bqkv_[0];
  }
}

void TrieBatch::reserve(Level& level, int n) const {
  if (static_cast<int>(level.parent.size()) >= n) return;
  const auto& c = ev_.config();
  level.parent.resize(static_cast<std::size_t>(n));
  level.symbol.resize(static_cast<std::size_t>(n));
  level.logit.resize(static_cast<std::size_t>(n));
  level.qkv.resize(static_cast<std::size_t>(c.n_layers));
  for (std::size_t li = 1; li < level.qkv.size(); ++li) level.qkv[li].resize(n, 3 * c.d_model);
  if (c.readout == ClassifyReadout::mean) level.final_sum.resize(n, c.d_model);
}

void TrieBatch::walk(WordView prefix, const std::function<void(const TrieSlice&)>& on_slice) {
  const int p = static_cast<int>(prefix.size());
  if (p > max_depth_) throw Error(fmt::format("prefix of length {} is deeper than the walk's {}", p, max_depth_));
  for (int t = 0; t <= p; ++t) {  // BOS, then the prefix: one node per depth
    Level& level = levels_[static_cast<std::size_t>(t)];
    reserve(level, 1);
    level.size = 1;
    level.parent[0] = t == 0 ? -1 : 0;
    level.symbol[0] = t == 0 ? static_cast<Symbol>(ev_.config().bos_id) : prefix[static_cast<std::size_t>(t - 1)];
    forward(t);
    emit(t, on_slice);
  }
  expand(p, on_slice);
}

void TrieBatch::expand(int depth, const std::function<void(const TrieSlice&)>& on_slice) {
  if (depth >= max_depth_) return;
  const long children = static_cast<long>(levels_[static_cast<std::size_t>(depth)].size) * sigma_;
  Level& next = levels_[static_cast<std::size_t>(depth + 1)];
  for (long c0 = 0; c0 < children; c0 += rows_) {
    const int n = static_cast<int>(std::min<long>(rows_, children - c0));
    reserve(next, std::min<int>(rows_, static_cast<int>(children)));
    next.size = n;
    for (int i = 0; i < n; ++i) {
      next.parent[static_cast<std::size_t>(i)] = static_cast<int>((c0 + i) / sigma_);
      next.symbol[static_cast<std::size_t>(i)] = static_cast<Symbol>((c0 + i) % sigma_);
    }
    forward(depth + 1);
    emit(depth + 1, on_slice);
    expand(depth + 1, on_slice);
  }
}

void TrieBatch::emit(int depth, const std::function<void(const TrieSlice&)>& on_slice) const {
  const Level& level = levels_[static_cast<std::size_t>(depth)];
  on_slice({depth, level.size, depth == 0 ? nullptr : level.parent.data(), level.symbol.data(), level.logit.data()});
}

Word TrieBatch::word(int depth, int index) const {
  Word w(static_cast<std::size_t>(depth));
  for (int t = depth; t > 0; --t) {
    const Level& level = levels_[static_cast<std::size_t>(t)];
    w[static_cast<std::size_t>(t - 1)] = level.symbol[static_cast<std::size_t>(index)];
    index = level.parent[static_cast<std::size_t>(index)];
  }
  return w;
}

template <int DH>
void TrieBatch::attention(int layer, int depth, long n) {
  using Seg = Eigen::Matrix<double, 1, DH>;  // one head's slice of a q, k or v row
  const auto& c = ev_.config();
  const long d = c.d_model, dh = c.d_head(), V = c.vocab, D = max_depth_ + 1, keys = depth + 1;
  const double factor = c.attention_scale / std::sqrt(static_cast<double>(dh));  // the score rule, as Evaluator::attention
  // The q|k|v row of position j of node i's word.
  auto row = [&](long i, long j) -> const double* {
    const Level& level = levels_[static_cast<std::size_t>(j)];
    const int node = anc_[static_cast<std::size_t>(i * D + j)];
    return layer == 0 ? qkv0_.row(j * V + level.symbol[static_cast<std::size_t>(node)]).data()
                      : level.qkv[static_cast<std::size_t>(layer)].row(node).data();
  };
  // Positions 0..m-1 hold the same node for every node of the slice (ancestors are monotone in i).
  long m = 0;
  while (m < keys && anc_[static_cast<std::size_t>(m)] == anc_[static_cast<std::size_t>((n - 1) * D + m)]) ++m;
  for (long j = 0; j < m; ++j) shared_.row(j) = Eigen::Map<const Eigen::RowVectorXd>(row(0, j), 3 * d);
  const auto shared = shared_.topRows(m);  // (m, 3d)
  // The slice's queries (n, d): the first layer's from the table.
  if (layer == 0)
    for (long i = 0; i < n; ++i) q0_.row(i) = Eigen::Map<const Eigen::RowVectorXd>(row(i, depth), d);
  const Level& level = levels_[static_cast<std::size_t>(depth)];
  const RowMatrix& qsrc = layer == 0 ? q0_ : level.qkv[static_cast<std::size_t>(layer)];
  const Eigen::Map<const RowMatrix, 0, Eigen::OuterStride<>> q(qsrc.data(), n, d, Eigen::OuterStride<>(qsrc.cols()));  // (n, d)
  auto scores = scores_all_.topLeftCorner(n, keys);    // (n, T + 1) one head's
  auto weights = weights_all_.topLeftCorner(n, keys);  // (n, T + 1)
  for (long h = 0; h < c.n_heads; ++h) {
    const long at = h * dh;
    scores.leftCols(m).noalias() = q.middleCols(at, dh) * shared.middleCols(d + at, dh).transpose();
    for (long i = 0; i < n; ++i) {
      const Eigen::Map<const Seg> qh(q.row(i).data() + at, dh);
      for (long j = m; j < keys; ++j) scores(i, j) = qh.dot(Eigen::Map<const Seg>(row(i, j) + d + at, dh));
    }
    scores *= factor;
    if (c.score_rounding > 0)
      for (long i = 0; i < n; ++i) round_scores(scores.row(i), c.score_rounding);
    const EvalMode& mode = ev_.head_mode(layer, static_cast<int>(h));  // per-head overrides, as Evaluator::attention
    for (long i = 0; i < n; ++i) Evaluator::attention_weights(mode, scores.row(i), weights.row(i));
    auto out = heads_.topRows(n).middleCols(at, dh);  // (n, dh)
    out.noalias() = weights.leftCols(m) * shared.middleCols(2 * d + at, dh);
    for (long i = 0; i < n; ++i) {
      Eigen::Map<Seg> o(heads_.row(i).data() + at, dh);
      for (long j = m; j < keys; ++j)  // hard and saturated weights are mostly 0: skip those terms
        if (weights(i, j) != 0) o += weights(i, j) * Eigen::Map<const Seg>(row(i, j) + 2 * d + at, dh);
    }
  }
}

void TrieBatch::forward(int depth) {
  const auto& c = ev_.config();
  Level& level = levels_[static_cast<std::size_t>(depth)];
  const long n = level.size, d = c.d_model, D = max_depth_ + 1;
  for (long i = 0; i < n; ++i) {  // ancestors of every node, by depth
    int* anc = &anc_[static_cast<std::size_t>(i * D)];
    anc[depth] = static_cast<int>(i);
    for (int t = depth; t > 0; --t)
      anc[t - 1] = levels_[static_cast<std::size_t>(t)].parent[static_cast<std::size_t>(anc[t])];
  }
  auto x = x_.topRows(n);  // (n, d) residual stream
  auto normed = normed_.topRows(n);
  auto heads = heads_.topRows(n);
  auto att = att_.topRows(n);
  auto hidden = ffn_.topRows(n);  // (n, f)
  for (long i = 0; i < n; ++i) x.row(i) = ev_.embed_.row(level.symbol[static_cast<std::size_t>(i)]) + ev_.pos_.row(depth);
  for (int li = 0; li < c.n_layers; ++li) {
    const auto& l = ev_.layers_[static_cast<std::size_t>(li)];
    const bool post = c.layer_norm == LayerNormMode::post;
    const bool ln1 = !post && l.ln1;
    if (li > 0) {  // this slice's q|k|v (the first layer's come from the table)
      if (ln1) {
        normed = x;
        ev_.layer_norm(normed, l.ln1_w, l.ln1_b);
      }
      const bool qk = ln1 && (c.ln.attn == AttnLnPlace::qkv || c.ln.attn == AttnLnPlace::qk);
      const bool v = ln1 && (c.ln.attn == AttnLnPlace::qkv || c.ln.attn == AttnLnPlace::v);
      auto qkv = level.qkv[static_cast<std::size_t>(li)].topRows(n);  // (n, 3d)
      const auto& w = wqkv_[static_cast<std::size_t>(li)];
      const auto& b = bqkv_[static_cast<std::size_t>(li)];
      if (qk == v) {
        linear(qkv, qk ? normed : x, w, b);
      } else {
        linear(qkv.leftCols(2 * d), qk ? normed : x, w.topRows(2 * d), b.head(2 * d));
        linear(qkv.rightCols(d), v ? normed : x, w.bottomRows(d), b.tail(d));
      }
    }
    switch (c.d_head()) {
      case 8: attention<8>(li, depth, n); break;
      case 16: attention<16>(li, depth, n); break;
      case 32: attention<32>(li, depth, n); break;
      case 64: attention<64>(li, depth, n); break;
      default: attention<Eigen::Dynamic>(li, depth, n); break;
    }
    linear(att, heads, l.wo, l.bo);
    x += att;
    const bool from_normed = !post && l.ln2;
    if (post) ev_.layer_norm(x, l.ln1_w, l.ln1_b);
    else if (l.ln2) {
      normed = x;
      ev_.layer_norm(normed, l.ln2_w, l.ln2_b);
    }
    linear(hidden, from_normed ? normed : x, l.w1, l.b1);
    if (c.activation == Activation::relu) hidden = hidden.cwiseMax(0.0);
    else hidden = hidden.unaryExpr([](double z) { return gelu(z); });
    gemm(Op::none, Op::transpose, hidden, l.w2, /*accumulate=*/true, x);  // x += hidden w2^T
    for (long i = 0; i < n; ++i) x.row(i) += l.b2;
    if (post) ev_.layer_norm(x, l.ln2_w, l.ln2_b);
  }
  auto final = final_.topRows(n);  // (n, d)
  final = x;
  if (ev_.lnf_) ev_.layer_norm(final, ev_.lnf_w_, ev_.lnf_b_);
  const auto hw = ev_.head_w_.row(0);
  const double hb = ev_.head_b_[0], scale = c.readout_scale;
  for (long i = 0; i < n; ++i) {
    double& logit = level.logit[static_cast<std::size_t>(i)];
    switch (c.readout) {
      case ClassifyReadout::bos:
        logit = depth == 0 ? (final.row(i).dot(hw) + hb) * scale : levels_[0].logit[0];
        break;
      case ClassifyReadout::last: logit = (final.row(i).dot(hw) + hb) * scale; break;
      case ClassifyReadout::mean: {
        auto sum = level.final_sum.row(i);
        if (depth == 0) sum = final.row(i);
        else sum = levels_[static_cast<std::size_t>(depth - 1)].final_sum.row(level.parent[static_cast<std::size_t>(i)]) + final.row(i);
        logit = scale * ((sum / static_cast<double>(depth + 1)).dot(hw) + hb);
        break;
      }
    }
  }
}

}  // namespace saturn
