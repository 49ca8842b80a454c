#include "saturated_transformer/evaluator.h"

#include <fmt/format.h>

#include <cmath>

#include "core/error.h"

namespace saturn {

Eigen::MatrixXd sinusoidal_positions(int max_len, int d) {
  Eigen::MatrixXd p = Eigen::MatrixXd::Zero(max_len, d);
  for (int t = 0; t < max_len; ++t)
    for (int j = 0; 2 * j < d; ++j) {
      const double angle = t / std::pow(10000.0, 2.0 * j / d);
      p(t, 2 * j) = std::sin(angle);
      if (2 * j + 1 < d) p(t, 2 * j + 1) = std::cos(angle);
    }
  return p;
}

namespace {
Eigen::VectorXd vec(const ModelWeights& w, const std::string& name) {
  return w.has(name) ? Eigen::VectorXd(w.at(name)) : Eigen::VectorXd();
}
Eigen::VectorXd bias_or_zero(const ModelWeights& w, const std::string& name, long n) {
  return w.has(name) ? Eigen::VectorXd(w.at(name)) : Eigen::VectorXd::Zero(n);
}
double gelu(double x) { return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); }
}  // namespace

Evaluator::Evaluator(const ModelWeights& weights, EvalMode mode) : w_(weights), mode_(mode) {
  w_.validate();
  if (mode_.kind == EvalMode::Kind::scaled) w_.scale(mode_.value);
  const auto& c = w_.config;
  const long d = c.d_model;
  embed_ = w_.at("embed.weight");
  if (c.positional == Positional::learned) pos_ = w_.at("pos.weight");
  else if (c.positional == Positional::sinusoidal) pos_ = sinusoidal_positions(c.max_len, c.d_model);
  else pos_ = Eigen::MatrixXd::Zero(c.max_len, d);
  for (int i = 0; i < c.n_layers; ++i) {
    const auto p = fmt::format("layers.{}.", i);
    Layer l;
    l.wq = w_.at(p + "attn.q.weight");
    l.wk = w_.at(p + "attn.k.weight");
    l.wv = w_.at(p + "attn.v.weight");
    l.wo = w_.at(p + "attn.o.weight");
    l.bq = bias_or_zero(w_, p + "attn.q.bias", d);
    l.bk = bias_or_zero(w_, p + "attn.k.bias", d);
    l.bv = bias_or_zero(w_, p + "attn.v.bias", d);
    l.bo = bias_or_zero(w_, p + "attn.o.bias", d);
    l.w1 = w_.at(p + "ffn.fc1.weight");
    l.b1 = vec(w_, p + "ffn.fc1.bias");
    l.w2 = w_.at(p + "ffn.fc2.weight");
    l.b2 = vec(w_, p + "ffn.fc2.bias");
    l.ln1 = w_.has(p + "ln1.weight");
    l.ln2 = w_.has(p + "ln2.weight");
    if (l.ln1) l.ln1_w = vec(w_, p + "ln1.weight"), l.ln1_b = vec(w_, p + "ln1.bias");
    if (l.ln2) l.ln2_w = vec(w_, p + "ln2.weight"), l.ln2_b = vec(w_, p + "ln2.bias");
    layers_.push_back(std::move(l));
  }
  lnf_ = w_.has("ln_f.weight");
  if (lnf_) lnf_w_ = vec(w_, "ln_f.weight"), lnf_b_ = vec(w_, "ln_f.bias");
  head_w_ = w_.at("head.weight");
  head_b_ = vec(w_, "head.bias");
}

Eigen::MatrixXd Evaluator::layer_norm(const Eigen::MatrixXd& x, const Eigen::VectorXd& w,
                                      const Eigen::VectorXd& b) const {
  Eigen::MatrixXd y(x.rows(), x.cols());
  for (long t = 0; t < x.rows(); ++t) {
    const double mean = x.row(t).mean();
    const Eigen::RowVectorXd centered = x.row(t).array() - mean;
    const double var = centered.squaredNorm() / static_cast<double>(x.cols());
    const double denom = std::sqrt(var + w_.config.ln_eps);
    // With eps = 0 and a constant row, LN is 0/0; we define it as 0 (then + bias).
    const Eigen::RowVectorXd normed = denom > 0 ? Eigen::RowVectorXd(centered / denom) : Eigen::RowVectorXd::Zero(x.cols());
    y.row(t) = normed.cwiseProduct(w.transpose()) + b.transpose();
  }
  return y;
}

void Evaluator::attention_weights(const Eigen::Ref<const Eigen::RowVectorXd>& scores,
                                  Eigen::Ref<Eigen::RowVectorXd> out) const {
  const long n = scores.size();
  const double m = scores.maxCoeff();
  switch (mode_.kind) {
    case EvalMode::Kind::softmax:
    case EvalMode::Kind::scaled:
    case EvalMode::Kind::temperature: {
      const double c = mode_.kind == EvalMode::Kind::temperature ? mode_.value : 1.0;
      out = ((scores.array() - m) * c).exp();
      out /= out.sum();
      return;
    }
    case EvalMode::Kind::saturated:
    case EvalMode::Kind::hard: {
      const double tol = kTieTolerance * std::max(1.0, std::abs(m));
      out.setZero();
      if (mode_.kind == EvalMode::Kind::hard) {
        for (long j = 0; j < n; ++j)
          if (m - scores[j] <= tol) {
            out[j] = 1.0;
            return;
          }
      }
      long ties = 0;
      for (long j = 0; j < n; ++j) ties += (m - scores[j] <= tol);
      for (long j = 0; j < n; ++j)
        if (m - scores[j] <= tol) out[j] = 1.0 / static_cast<double>(ties);
      return;
    }
  }
}

Eigen::MatrixXd Evaluator::attention(const Layer& l, const Eigen::MatrixXd& q_in, const Eigen::MatrixXd& k_in,
                                     const Eigen::MatrixXd& v_in, std::vector<Eigen::MatrixXd>* weights) const {
  const auto& c = w_.config;
  const long T = q_in.rows(), dh = c.d_head();
  const Eigen::MatrixXd q = (q_in * l.wq.transpose()).rowwise() + l.bq.transpose();  // (T, d)
  const Eigen::MatrixXd k = (k_in * l.wk.transpose()).rowwise() + l.bk.transpose();  // (T, d)
  const Eigen::MatrixXd v = (v_in * l.wv.transpose()).rowwise() + l.bv.transpose();  // (T, d)
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(T, c.d_model);                          // (T, d)
  const double inv_sqrt = 1.0 / std::sqrt(static_cast<double>(dh));
  for (int h = 0; h < c.n_heads; ++h) {
    using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const RowMatrix s = q.middleCols(h * dh, dh) * k.middleCols(h * dh, dh).transpose() * inv_sqrt;  // (T, T)
    RowMatrix a = RowMatrix::Zero(T, T);
    for (long t = 0; t < T; ++t) {
      const long keys = c.causal ? t + 1 : T;
      attention_weights(s.row(t).head(keys), a.row(t).head(keys));
    }
    out.middleCols(h * dh, dh) = a * v.middleCols(h * dh, dh);
    if (weights) weights->push_back(Eigen::MatrixXd(a));
  }
  return (out * l.wo.transpose()).rowwise() + l.bo.transpose();
}

Eigen::MatrixXd Evaluator::feed_forward(const Layer& l, const Eigen::MatrixXd& x) const {
  Eigen::MatrixXd h = (x * l.w1.transpose()).rowwise() + l.b1.transpose();  // (T, d_ff)
  if (w_.config.activation == Activation::relu) h = h.cwiseMax(0.0);
  else h = h.unaryExpr([](double z) { return gelu(z); });
  return (h * l.w2.transpose()).rowwise() + l.b2.transpose();
}

EvalResult Evaluator::run(WordView word, const EvalOptions& options) const {
  const auto& c = w_.config;
  const long T = static_cast<long>(word.size()) + 1;
  if (T > c.max_len) throw Error(fmt::format("string of length {} exceeds the model's max_len {}", word.size(), c.max_len - 1));
  Eigen::MatrixXd h(T, c.d_model);  // (T, d) residual stream
  h.row(0) = embed_.row(c.bos_id) + pos_.row(0);
  for (long t = 1; t < T; ++t) {
    const int tok = word[static_cast<std::size_t>(t - 1)];
    if (tok >= c.vocab) throw Error(fmt::format("symbol id {} is outside the model's vocabulary", tok));
    h.row(t) = embed_.row(tok) + pos_.row(t);
  }
  EvalResult r;
  if (options.hidden) r.hidden.push_back(h);
  const bool post = c.layer_norm == LayerNormMode::post;
  for (const auto& l : layers_) {
    std::vector<Eigen::MatrixXd>* att = nullptr;
    if (options.attention) att = &r.attention.emplace_back();
    if (post) {
      h = layer_norm(h + attention(l, h, h, h, att), l.ln1_w, l.ln1_b);
      h = layer_norm(h + feed_forward(l, h), l.ln2_w, l.ln2_b);
    } else {
      const Eigen::MatrixXd a = l.ln1 ? layer_norm(h, l.ln1_w, l.ln1_b) : h;
      const bool qk = l.ln1 && (c.ln.attn == AttnLnPlace::qkv || c.ln.attn == AttnLnPlace::qk);
      const bool v = l.ln1 && (c.ln.attn == AttnLnPlace::qkv || c.ln.attn == AttnLnPlace::v);
      h += attention(l, qk ? a : h, qk ? a : h, v ? a : h, att);
      h += feed_forward(l, l.ln2 ? layer_norm(h, l.ln2_w, l.ln2_b) : h);
    }
    if (options.hidden) r.hidden.push_back(h);
  }
  if (lnf_) h = layer_norm(h, lnf_w_, lnf_b_);
  r.logits = ((h * head_w_.transpose()).rowwise() + head_b_.transpose()) * c.readout_scale;  // (T, n_out)
  if (c.head == HeadKind::classify) {
    Eigen::RowVectorXd state;
    switch (c.readout) {
      case ClassifyReadout::bos: state = h.row(0); break;
      case ClassifyReadout::last: state = h.row(T - 1); break;
      case ClassifyReadout::mean: state = h.colwise().mean(); break;
    }
    r.readout_logit = c.readout_scale * (state.dot(head_w_.row(0)) + head_b_[0]);
  }
  return r;
}

bool Evaluator::accepts(WordView word) const {
  const auto r = run(word);
  const auto& c = w_.config;
  switch (c.head) {
    case HeadKind::classify: return r.readout_logit > 0;
    case HeadKind::next_symbols: {
      const long T = r.logits.rows();
      for (long t = 0; t + 1 < T; ++t)
        if (!(r.logits(t, word[static_cast<std::size_t>(t)]) > 0)) return false;
      return r.logits(T - 1, c.n_outputs - 1) > 0;
    }
    case HeadKind::lm: {
      const long T = r.logits.rows();
      for (long t = 0; t < T; ++t) {
        const int target = t + 1 < T ? word[static_cast<std::size_t>(t)] : c.vocab - 1;  // <eos> is the last token
        Eigen::Index best = 0;
        r.logits.row(t).maxCoeff(&best);
        if (best != target) return false;
      }
      return true;
    }
  }
  return false;
}

}  // namespace saturn
