#include "saturated_transformer/evaluator.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "core/error.h"
#include "transformer/layers/attention.h"
#include "transformer/layers/tie_rule.h"

namespace saturn {

RowMatrix sinusoidal_positions(int max_len, int d) {
  RowMatrix p = RowMatrix::Zero(max_len, d);
  for (int t = 0; t < max_len; ++t)
    for (int j = 0; 2 * j < d; ++j) {
      const double angle = t / std::pow(10000.0, 2.0 * j / d);
      p(t, 2 * j) = std::sin(angle);
      if (2 * j + 1 < d) p(t, 2 * j + 1) = std::cos(angle);
    }
  return p;
}

namespace {
Eigen::RowVectorXd row_vec(const ModelWeights& w, const std::string& name, long n) {
  return w.has(name) ? Eigen::RowVectorXd(w.at(name).transpose()) : Eigen::RowVectorXd::Zero(n);
}
double gelu(double x) { return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); }
}  // namespace

Evaluator::Evaluator(const ModelWeights& weights, EvalMode mode, const std::vector<HeadMode>& heads)
    : w_(weights), mode_(mode) {
  w_.validate();
  if (mode_.kind == EvalMode::Kind::scaled) w_.scale(mode_.value);
  const auto& c = w_.config;
  head_modes_.assign(static_cast<std::size_t>(c.n_layers * c.n_heads), mode_);
  std::vector<char> seen(head_modes_.size(), 0);
  for (const auto& hm : heads) {
    if (hm.layer < 0 || hm.layer >= c.n_layers || hm.head < 0 || hm.head >= c.n_heads)
      throw Error(fmt::format("head mode for layer {} head {}: the model has {} layers of {} heads", hm.layer, hm.head,
                              c.n_layers, c.n_heads));
    if (hm.mode.kind == EvalMode::Kind::scaled)
      throw Error(fmt::format("head mode for layer {} head {}: {} scales weights, not one head", hm.layer, hm.head,
                              hm.mode.str()));
    const auto k = static_cast<std::size_t>(hm.layer * c.n_heads + hm.head);
    if (seen[k]) throw Error(fmt::format("head mode for layer {} head {} given twice", hm.layer, hm.head));
    seen[k] = 1;
    head_modes_[k] = hm.mode;
  }
  const long d = c.d_model, f = c.d_ff;
  embed_ = w_.at("embed.weight");
  if (c.positional == Positional::learned) pos_ = w_.at("pos.weight");
  else if (c.positional == Positional::sinusoidal) pos_ = sinusoidal_positions(c.max_len, c.d_model);
  else pos_ = RowMatrix::Zero(c.max_len, d);
  for (int i = 0; i < c.n_layers; ++i) {
    const auto p = fmt::format("layers.{}.", i);
    Layer l;
    l.wq = w_.at(p + "attn.q.weight");
    l.wk = w_.at(p + "attn.k.weight");
    l.wv = w_.at(p + "attn.v.weight");
    l.wo = w_.at(p + "attn.o.weight");
    l.bq = row_vec(w_, p + "attn.q.bias", d);
    l.bk = row_vec(w_, p + "attn.k.bias", d);
    l.bv = row_vec(w_, p + "attn.v.bias", d);
    l.bo = row_vec(w_, p + "attn.o.bias", d);
    l.w1 = w_.at(p + "ffn.fc1.weight");
    l.b1 = row_vec(w_, p + "ffn.fc1.bias", f);
    l.w2 = w_.at(p + "ffn.fc2.weight");
    l.b2 = row_vec(w_, p + "ffn.fc2.bias", d);
    l.ln1 = w_.has(p + "ln1.weight");
    l.ln2 = w_.has(p + "ln2.weight");
    if (l.ln1) l.ln1_w = row_vec(w_, p + "ln1.weight", d), l.ln1_b = row_vec(w_, p + "ln1.bias", d);
    if (l.ln2) l.ln2_w = row_vec(w_, p + "ln2.weight", d), l.ln2_b = row_vec(w_, p + "ln2.bias", d);
    layers_.push_back(std::move(l));
  }
  lnf_ = w_.has("ln_f.weight");
  if (lnf_) lnf_w_ = row_vec(w_, "ln_f.weight", d), lnf_b_ = row_vec(w_, "ln_f.bias", d);
  head_w_ = w_.at("head.weight");
  head_b_ = row_vec(w_, "head.bias", c.n_outputs);
}

void Evaluator::layer_norm(Eigen::Ref<RowMatrix> x, const Eigen::RowVectorXd& w, const Eigen::RowVectorXd& b) const {
  // PyTorch LayerNorm: biased variance, eps inside the square root. With eps = 0 a constant row
  // is 0/0; we define its normalised value as 0.
  const double inv_d = 1.0 / static_cast<double>(x.cols());
  for (long t = 0; t < x.rows(); ++t) {
    auto row = x.row(t);
    const double mean = row.sum() * inv_d;
    row.array() -= mean;
    const double denom = std::sqrt(row.squaredNorm() * inv_d + w_.config.ln_eps);
    if (denom > 0) row /= denom;
    else row.setZero();
    row = row.cwiseProduct(w) + b;
  }
}

const EvalMode& Evaluator::head_mode(int layer, int head) const {
  return head_modes_[static_cast<std::size_t>(layer * w_.config.n_heads + head)];
}

void Evaluator::attention_weights(const Eigen::Ref<const Eigen::RowVectorXd>& scores,
                                  Eigen::Ref<Eigen::RowVectorXd> out) const {
  attention_weights(mode_, scores, out);
}

void Evaluator::attention_weights(const EvalMode& mode, const Eigen::Ref<const Eigen::RowVectorXd>& scores,
                                  Eigen::Ref<Eigen::RowVectorXd> out) {
  switch (mode.kind) {
    case EvalMode::Kind::softmax:
    case EvalMode::Kind::scaled:
    case EvalMode::Kind::temperature: {
      const double m = scores.maxCoeff();
      const double c = mode.kind == EvalMode::Kind::temperature ? mode.value : 1.0;
      out = ((scores.array() - m) * c).exp();
      out /= out.sum();
      return;
    }
    case EvalMode::Kind::saturated:
    case EvalMode::Kind::hard_left:
    case EvalMode::Kind::hard_right: {
      const TiePick pick = mode.kind == EvalMode::Kind::saturated   ? TiePick::all
                           : mode.kind == EvalMode::Kind::hard_left ? TiePick::leftmost
                                                                     : TiePick::rightmost;
      out = scores;
      tie_weights(out, pick, mode.band());
      return;
    }
  }
}

void Evaluator::attention(const Layer& l, State& s, int layer, int r0, int r1, bool ln_qk, bool ln_v,
                          std::vector<RowMatrix>* weights, std::vector<RowMatrix>* kept_scores) const {
  const auto& c = w_.config;
  const long n = r1 - r0, dh = c.d_head();
  const auto x = s.h.middleRows(r0, n);       // (n, d) residual stream
  const auto a = s.normed.topRows(n);         // (n, d) ln1(x) when ln1 is used
  auto K = s.k[static_cast<std::size_t>(layer)].middleRows(r0, n);  // (n, d)
  auto V = s.v[static_cast<std::size_t>(layer)].middleRows(r0, n);  // (n, d)
  auto q = s.q.topRows(n);                    // (n, d)
  auto heads = s.heads.topRows(n);            // (n, d) concatenated head outputs
  if (ln_qk) K.noalias() = a * l.wk.transpose(), q.noalias() = a * l.wq.transpose();
  else K.noalias() = x * l.wk.transpose(), q.noalias() = x * l.wq.transpose();
  if (ln_v) V.noalias() = a * l.wv.transpose();
  else V.noalias() = x * l.wv.transpose();
  K.rowwise() += l.bk;
  V.rowwise() += l.bv;
  q.rowwise() += l.bq;
  const auto& Kall = s.k[static_cast<std::size_t>(layer)];
  const auto& Vall = s.v[static_cast<std::size_t>(layer)];
  // s = round_G(c q.k / sqrt(dh)), the score rule of transformer/layers/attention.h (c = 1, G = 0:
  // q.k / sqrt(dh)); every mode acts on s. One head's scores of all n rows are one product
  // (n, dh) x (dh, r1), as the batched verifier (trie_batch.cpp) computes them.
  const double factor = c.attention_scale / std::sqrt(static_cast<double>(dh));
  auto S = s.scores.topLeftCorner(n, r1);   // (n, r1) one head's scores
  auto W = s.weights.topLeftCorner(n, r1);  // (n, r1) its weights
  for (int h = 0; h < c.n_heads; ++h) {
    const EvalMode& mode = head_mode(layer, h);
    RowMatrix* keep = nullptr;
    if (weights) keep = &weights->emplace_back(RowMatrix::Zero(n, r1));
    RowMatrix* keep_scores = kept_scores ? &kept_scores->emplace_back(RowMatrix::Zero(n, r1)) : nullptr;
    S.noalias() = q.middleCols(h * dh, dh) * Kall.block(0, h * dh, r1, dh).transpose();
    S *= factor;
    for (long i = 0; i < n; ++i) {
      const long keys = c.causal ? r0 + i + 1 : r1;
      auto scores = S.row(i).head(keys);
      auto w = W.row(i).head(keys);
      round_scores(scores, c.score_rounding);
      attention_weights(mode, scores, w);
      const double m = scores.maxCoeff(), tol = mode.band().width(m);
      for (long j = 0; j < keys; ++j)
        if (m - scores[j] > tol) s.min_score_gap = std::min(s.min_score_gap, m - scores[j]);
      // Row by row: one product per row keeps the summation order of each weighted sum (tested
      // constructions such as majority rely on sums that cancel exactly).
      heads.row(i).segment(h * dh, dh).noalias() = w * Vall.block(0, h * dh, keys, dh);
      if (keep) keep->row(i).head(keys) = w;
      if (keep_scores) keep_scores->row(i).head(keys) = scores;
    }
  }
  auto out = s.att.topRows(n);  // (n, d)
  out.noalias() = heads * l.wo.transpose();
  out.rowwise() += l.bo;
}

void Evaluator::feed_forward_add(const Layer& l, State& s, long n, bool from_normed) const {
  auto x = s.h.middleRows(s.length - n, n);  // (n, d) residual stream, updated in place
  auto hidden = s.ffn.topRows(n);            // (n, d_ff)
  if (from_normed) hidden.noalias() = s.normed.topRows(n) * l.w1.transpose();
  else hidden.noalias() = x * l.w1.transpose();
  hidden.rowwise() += l.b1;
  if (w_.config.activation == Activation::relu) hidden = hidden.cwiseMax(0.0);
  else hidden = hidden.unaryExpr([](double z) { return gelu(z); });
  x.noalias() += hidden * l.w2.transpose();
  x.rowwise() += l.b2;
}

void Evaluator::forward_rows(State& s, int r0, int r1, const EvalOptions& keep, EvalResult* capture) const {
  const auto& c = w_.config;
  const long n = r1 - r0;
  s.length = r1;
  auto x = s.h.middleRows(r0, n);  // (n, d) residual stream of the new rows
  auto normed = s.normed.topRows(n);
  if (keep.hidden) capture->hidden.push_back(x);
  for (int li = 0; li < c.n_layers; ++li) {
    const auto& l = layers_[static_cast<std::size_t>(li)];
    std::vector<RowMatrix>* weights = keep.attention ? &capture->attention.emplace_back() : nullptr;
    std::vector<RowMatrix>* scores = keep.scores ? &capture->scores.emplace_back() : nullptr;
    if (c.layer_norm == LayerNormMode::post) {
      attention(l, s, li, r0, r1, false, false, weights, scores);
      x += s.att.topRows(n);
      layer_norm(x, l.ln1_w, l.ln1_b);
      feed_forward_add(l, s, n, false);
      layer_norm(x, l.ln2_w, l.ln2_b);
    } else {
      if (l.ln1) {
        normed = x;
        layer_norm(normed, l.ln1_w, l.ln1_b);
      }
      const bool qk = l.ln1 && (c.ln.attn == AttnLnPlace::qkv || c.ln.attn == AttnLnPlace::qk);
      const bool v = l.ln1 && (c.ln.attn == AttnLnPlace::qkv || c.ln.attn == AttnLnPlace::v);
      attention(l, s, li, r0, r1, qk, v, weights, scores);
      x += s.att.topRows(n);
      if (l.ln2) {
        normed = x;
        layer_norm(normed, l.ln2_w, l.ln2_b);
      }
      feed_forward_add(l, s, n, l.ln2);
    }
    if (keep.hidden) capture->hidden.push_back(x);
  }
  auto final = s.final_h.middleRows(r0, n);  // (n, d)
  final = x;
  if (lnf_) layer_norm(final, lnf_w_, lnf_b_);
  auto logits = s.logits.middleRows(r0, n);  // (n, n_out)
  logits.noalias() = final * head_w_.transpose();
  logits.rowwise() += head_b_;
  logits *= c.readout_scale;
  s.final_sum += final.colwise().sum();
}

Evaluator::State Evaluator::start(int capacity) const {
  const auto& c = w_.config;
  if (capacity > c.max_len)
    throw Error(fmt::format("string of length {} exceeds the model's max_len {}", capacity - 1, c.max_len - 1));
  State s;
  s.k.assign(static_cast<std::size_t>(c.n_layers), RowMatrix(capacity, c.d_model));
  s.v.assign(static_cast<std::size_t>(c.n_layers), RowMatrix(capacity, c.d_model));
  s.h.resize(capacity, c.d_model);
  s.final_h.resize(capacity, c.d_model);
  s.logits.resize(capacity, c.n_outputs);
  s.final_sum = Eigen::RowVectorXd::Zero(c.d_model);
  s.normed.resize(capacity, c.d_model);
  s.q.resize(capacity, c.d_model);
  s.heads.resize(capacity, c.d_model);
  s.att.resize(capacity, c.d_model);
  s.ffn.resize(capacity, c.d_ff);
  s.scores.resize(capacity, capacity);
  s.weights.resize(capacity, capacity);
  s.min_score_gap = std::numeric_limits<double>::infinity();
  s.h.row(0) = embed_.row(c.bos_id) + pos_.row(0);
  s.length = 0;
  return s;
}

void Evaluator::push(State& s, Symbol a) const {
  const auto& c = w_.config;
  if (!c.causal) throw Error("incremental evaluation needs a causal model");
  if (s.length == 0) begin(s);
  const int t = s.length;
  if (t >= s.h.rows()) throw Error(fmt::format("string exceeds the evaluator state's capacity {}", s.h.rows() - 1));
  if (a >= c.vocab) throw Error(fmt::format("symbol id {} is outside the model's vocabulary", a));
  s.h.row(t) = embed_.row(a) + pos_.row(t);
  forward_rows(s, t, t + 1, {}, nullptr);
}

void Evaluator::begin(State& s) const {
  if (!w_.config.causal) throw Error("incremental evaluation needs a causal model");
  if (s.length == 0) forward_rows(s, 0, 1, {}, nullptr);
}

void Evaluator::pop(State& s) const {
  --s.length;
  s.final_sum -= s.final_h.row(s.length);
}

double Evaluator::readout_logit(const State& s) const {
  const auto& c = w_.config;
  switch (c.readout) {
    case ClassifyReadout::bos: return s.logits(0, 0);
    case ClassifyReadout::last: return s.logits(s.length - 1, 0);
    case ClassifyReadout::mean:
      return c.readout_scale * ((s.final_sum / s.length).dot(head_w_.row(0)) + head_b_[0]);
  }
  return 0;
}

EvalResult Evaluator::run(WordView word, const EvalOptions& options) const {
  const auto& c = w_.config;
  const int T = static_cast<int>(word.size()) + 1;
  State s = start(T);
  for (int t = 1; t < T; ++t) {
    const int tok = word[static_cast<std::size_t>(t - 1)];
    if (tok >= c.vocab) throw Error(fmt::format("symbol id {} is outside the model's vocabulary", tok));
    s.h.row(t) = embed_.row(tok) + pos_.row(t);
  }
  EvalResult r;
  forward_rows(s, 0, T, options, &r);
  r.logits = s.logits.topRows(T);
  r.min_score_gap = s.min_score_gap;
  if (c.head == HeadKind::classify) r.readout_logit = readout_logit(s);
  return r;
}

bool Evaluator::accepts(WordView word) const {
  const auto r = run(word);
  const auto& c = w_.config;
  const long T = r.logits.rows();
  switch (c.head) {
    case HeadKind::classify: return r.readout_logit > 0;
    case HeadKind::next_symbols:
      for (long t = 0; t + 1 < T; ++t)
        if (!(r.logits(t, word[static_cast<std::size_t>(t)]) > 0)) return false;
      return r.logits(T - 1, c.n_outputs - 1) > 0;
    case HeadKind::lm:
      for (long t = 0; t < T; ++t) {
        const long target = t + 1 < T ? word[static_cast<std::size_t>(t)] : c.vocab - 1;  // <eos> is the last token
        Eigen::Index best = 0;
        r.logits.row(t).maxCoeff(&best);
        if (best != target) return false;
      }
      return true;
  }
  return false;
}

}  // namespace saturn
