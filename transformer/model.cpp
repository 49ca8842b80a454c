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

template <class S>
S softplus(S z) {
  return std::max(z, S(0)) + std::log1p(std::exp(-std::abs(z)));
}
template <class S>
S sigmoid(S z) {
  return z >= 0 ? S(1) / (S(1) + std::exp(-z)) : std::exp(z) / (S(1) + std::exp(z));
}

// Copies layer p's q, k, v weights (and biases) into the stacked (3d, d) matrix of the workspace.
template <class S>
void stack_qkv(const Model<S>& m, const std::string& p, LayerActs<S>& a) {
  const long d = m.config.d_model;
  a.w_qkv.resize(3 * d, d);
  a.b_qkv.resize(3 * d);
  const char* names[] = {"q", "k", "v"};
  for (long j = 0; j < 3; ++j) {
    const S* w = m.param(p + "attn." + names[j] + ".weight");
    std::copy(w, w + d * d, a.w_qkv.data() + j * d * d);
    const S* b = m.find(p + "attn." + names[j] + ".bias");
    if (b) std::copy(b, b + d, a.b_qkv.data() + j * d);
    else a.b_qkv.segment(j * d, d).setZero();
  }
}

}  // namespace

template <class S>
Model<S>::Model(ModelConfig c) : config(std::move(c)), table(parameter_table(config)), params(table.total_size(), S(0)) {
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
  const long N = batch.num_tokens(), d = c.d_model, F = c.d_ff;
  const int B = batch.size(), L = c.n_layers;
  if (B <= 0) throw Error("forward: empty batch");
  check_targets(c, batch);
  for (int tok : batch.tokens)
    if (tok < 0 || tok >= c.vocab) throw Error(fmt::format("token id {} outside the vocabulary of {}", tok, c.vocab));
  ws.mode = mode;
  for (int i = 0; i < B; ++i)
    if (batch.length(i) > c.max_len)
      throw Error(fmt::format("string of {} tokens exceeds the model's max_len {}", batch.length(i), c.max_len));
  // Workspace sizes.
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
  // Narrow pass: the last layer only at each string's readout position.
  ws.narrow = scope == ForwardScope::loss && c.head == HeadKind::classify && c.readout != ClassifyReadout::mean && L > 0;
  if (ws.narrow) {
    ws.readout_rows.resize(static_cast<std::size_t>(B));
    ws.readout_pos.resize(static_cast<std::size_t>(B));
    ws.query_prob_offsets.assign(static_cast<std::size_t>(B) + 1, 0);
    for (std::size_t i = 0; i < static_cast<std::size_t>(B); ++i) {
      const int T = batch.length(static_cast<int>(i));
      ws.readout_pos[i] = c.readout == ClassifyReadout::bos ? 0 : T - 1;
      ws.readout_rows[i] = batch.offsets[i] + ws.readout_pos[i];
      ws.query_prob_offsets[i + 1] = ws.query_prob_offsets[i] + attention_query_prob_size<S>(c.n_heads, T);
    }
    auto& a = ws.layers.back();
    for (Mat<S>* mat : {&a.x_sel, &a.q_in_sel, &a.q_sel}) reserve_rows(*mat, B, d);
  }

  // Embeddings: x = embed[token] + position.
  Mat<S>& sin_table = ws.positions;
  if (c.positional == Positional::sinusoidal && (sin_table.rows() != c.max_len || sin_table.cols() != d))
    sin_table = sinusoid<S>(c.max_len, c.d_model);
  Mat<S>& x0_buf = L > 0 ? ws.layers[0].x_in : ws.x_final;
  auto x0 = x0_buf.topRows(N);
  const CMatMap<S> embed(m.param("embed.weight"), c.vocab, d);
  const S* pos = m.find("pos.weight");
  for (int i = 0; i < B; ++i)
    for (int t = 0; t < batch.length(i); ++t) {
      const long r = batch.offsets[static_cast<std::size_t>(i)] + t;
      x0.row(r) = embed.row(batch.tokens[static_cast<std::size_t>(r)]);
      if (c.positional == Positional::learned) x0.row(r) += CMatMap<S>(pos, c.max_len, d).row(t);
      else if (c.positional == Positional::sinusoidal) x0.row(r) += sin_table.row(t);
    }

  const AttentionShape shape{c.n_heads, c.causal, &batch.offsets, &ws.prob_offsets, mode};
  const bool post = c.layer_norm == LayerNormMode::post;
  const S eps = static_cast<S>(c.ln_eps);
  for (int l = 0; l < L; ++l) {
    auto& a = ws.layers[static_cast<std::size_t>(l)];
    const auto p = fmt::format("layers.{}.", l);
    const bool narrow = ws.narrow && l == L - 1;
    const long R = narrow ? B : N;  // rows past the attention: every position, or the readouts
    Mat<S>& out_buf = l + 1 < L ? ws.layers[static_cast<std::size_t>(l) + 1].x_in : ws.x_final;
    auto out = out_buf.topRows(R);
    const auto x_in = a.x_in.topRows(N);
    if (!post && uses_ln1(c))
      layernorm_forward<S>(x_in, m.param(p + "ln1.weight"), m.param(p + "ln1.bias"), eps, a.ln1.topRows(N),
                           a.ln1_mean.head(N), a.ln1_rstd.head(N));
    const bool qk = ln_on_qk(c), vv = ln_on_v(c);
    const auto qin = qk ? a.ln1.topRows(N) : x_in;
    const auto vin = vv ? a.ln1.topRows(N) : x_in;
    stack_qkv(m, p, a);
    auto qkv = a.qkv.topRows(N);
    const S* bqkv = c.attn_bias ? a.b_qkv.data() : nullptr;
    auto bias = [&](long j) { return bqkv ? bqkv + j * d : nullptr; };
    if (!narrow) {
      // q | k | v: one GEMM over the stacked weights when they share their input (else q | k and v).
      if (qk == vv) {
        linear_forward<S>(qin, a.w_qkv.data(), bqkv, static_cast<int>(3 * d), qkv);
      } else {
        linear_forward<S>(qin, a.w_qkv.data(), bqkv, static_cast<int>(2 * d), qkv.leftCols(2 * d));
        linear_forward<S>(vin, a.w_qkv.data() + 2 * d * d, bias(2), static_cast<int>(d), qkv.rightCols(d));
      }
      attention_forward<S>(shape, qkv.leftCols(d), qkv.middleCols(d, d), qkv.rightCols(d), a.probs, a.att.topRows(N));
    } else {
      // k | v at every position (one GEMM when they share their input), q at the readouts.
      if (qk == vv) {
        linear_forward<S>(qin, a.w_qkv.data() + d * d, bias(1), static_cast<int>(2 * d), qkv.rightCols(2 * d));
      } else {
        linear_forward<S>(qin, a.w_qkv.data() + d * d, bias(1), static_cast<int>(d), qkv.middleCols(d, d));
        linear_forward<S>(vin, a.w_qkv.data() + 2 * d * d, bias(2), static_cast<int>(d), qkv.rightCols(d));
      }
      for (int i = 0; i < B; ++i) {
        const long r = ws.readout_rows[static_cast<std::size_t>(i)];
        a.x_sel.row(i) = x_in.row(r);
        a.q_in_sel.row(i) = qin.row(r);
      }
      linear_forward<S>(a.q_in_sel.topRows(B), a.w_qkv.data(), bias(0), static_cast<int>(d), a.q_sel.topRows(B));
      const AttentionShape qshape{c.n_heads, c.causal, &batch.offsets, &ws.query_prob_offsets, mode};
      attention_query_forward<S>(qshape, ws.readout_pos, a.q_sel.topRows(B), qkv.middleCols(d, d), qkv.rightCols(d), a.probs,
                                 a.att.topRows(B));
    }
    const auto resid = narrow ? a.x_sel.topRows(B) : x_in;  // the residual stream at those rows
    // x_mid (pre) or r1 (post) = resid + o(att)
    Mat<S>& sum1_buf = post ? a.r1 : a.x_mid;
    auto sum1 = sum1_buf.topRows(R);
    linear_forward<S>(a.att.topRows(R), m.param(p + "attn.o.weight"), m.find(p + "attn.o.bias"), static_cast<int>(d), sum1);
    sum1 += resid;
    if (post)
      layernorm_forward<S>(a.r1.topRows(R), m.param(p + "ln1.weight"), m.param(p + "ln1.bias"), eps, a.x_mid.topRows(R),
                           a.ln1_mean.head(R), a.ln1_rstd.head(R));
    const auto x_mid = a.x_mid.topRows(R);
    if (!post && uses_ln2(c))
      layernorm_forward<S>(x_mid, m.param(p + "ln2.weight"), m.param(p + "ln2.bias"), eps, a.ln2.topRows(R),
                           a.ln2_mean.head(R), a.ln2_rstd.head(R));
    const auto mlp_in = (!post && uses_ln2(c)) ? a.ln2.topRows(R) : x_mid;
    linear_forward<S>(mlp_in, m.param(p + "ffn.fc1.weight"), m.param(p + "ffn.fc1.bias"), static_cast<int>(F), a.fc1.topRows(R));
    activation_forward<S>(c.activation, a.fc1.topRows(R), a.act.topRows(R));
    Mat<S>& sum2_buf = post ? a.r2 : out_buf;
    auto sum2 = sum2_buf.topRows(R);
    linear_forward<S>(a.act.topRows(R), m.param(p + "ffn.fc2.weight"), m.param(p + "ffn.fc2.bias"), static_cast<int>(d), sum2);
    sum2 += x_mid;
    if (post)
      layernorm_forward<S>(a.r2.topRows(R), m.param(p + "ln2.weight"), m.param(p + "ln2.bias"), eps, out, a.ln2_mean.head(R),
                           a.ln2_rstd.head(R));
  }
  const long Z = ws.narrow ? B : N;  // rows of x_final and z
  auto z = ws.z.topRows(Z);
  if (uses_ln_f(c))
    layernorm_forward<S>(ws.x_final.topRows(Z), m.param("ln_f.weight"), m.param("ln_f.bias"), eps, z, ws.lnf_mean.head(Z),
                         ws.lnf_rstd.head(Z));
  else
    z = ws.x_final.topRows(Z);

  // Head and loss.
  const S alpha = static_cast<S>(c.readout_scale);
  const S* hw = m.param("head.weight");
  const S* hb = m.param("head.bias");
  StepStats st;
  st.strings = B;
  std::vector<char> correct(static_cast<std::size_t>(B), 0);
  if (c.head == HeadKind::classify) {
    const CVecMap<S> w(hw, d);
    for (int i = 0; i < B; ++i) {
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
      const S logit = alpha * (ws.readout.row(i).dot(w) + hb[0]);
      ws.readout_logits[i] = logit;
      const S y = batch.labels[static_cast<std::size_t>(i)];
      ws.string_loss[static_cast<std::size_t>(i)] = softplus(logit) - y * logit;
      correct[static_cast<std::size_t>(i)] = (logit > 0) == (y > S(0.5));
    }
  } else {
    auto logits = ws.logits.topRows(N);
    linear_forward<S>(z, hw, hb, c.n_outputs, logits);
    logits *= alpha;
    const long O = c.n_outputs;
    parallel_chunks(0, static_cast<std::size_t>(B), kGrainStrings, [&](std::size_t lo, std::size_t hi) {
      for (std::size_t i = lo; i < hi; ++i) {
        const long r0 = batch.offsets[i], T = batch.offsets[i + 1] - r0;
        S loss = 0;
        bool all = true;
        for (long r = r0; r < r0 + T; ++r) {
          if (c.head == HeadKind::next_symbols) {
            for (long o = 0; o < O; ++o) {
              const S zz = logits(r, o), y = batch.targets[static_cast<std::size_t>(r * O + o)];
              loss += softplus(zz) - y * zz;
              all = all && ((zz > 0) == (y > S(0.5)));
            }
          } else {
            const int target = batch.next_tokens[static_cast<std::size_t>(r)];
            if (target < 0) continue;  // ignored position
            Eigen::Index best = 0;
            const S mx = logits.row(r).maxCoeff(&best);
            loss += mx + std::log((logits.row(r).array() - mx).exp().sum()) - logits(r, target);
            all = all && best == target;
          }
        }
        ws.string_loss[i] = loss / static_cast<S>(c.head == HeadKind::next_symbols ? T * O : counted_positions(batch, r0, T));
        correct[i] = all;
      }
    });
  }
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
  const auto& table = m.table;
  const long N = batch.num_tokens(), d = c.d_model, F = c.d_ff;
  const int B = batch.size(), L = c.n_layers;
  if (ws.mode.kind != AttentionKind::softmax) throw Error("backward needs a forward pass with softmax attention");
  auto g = [&](const std::string& name) { return grads + table.at(name).offset; };
  auto gopt = [&](const std::string& name) -> S* {
    const auto* s = table.find(name);
    return s ? grads + s->offset : nullptr;
  };
  for (Mat<S>* mat : {&ws.dx, &ws.dtmp, &ws.datt}) reserve_rows(*mat, N, d);
  reserve_rows(ws.dqkv, N, 3 * d);
  reserve_rows(ws.dff, N, F);
  reserve_rows(ws.dff2, N, F);
  reserve_rows(ws.dz, N, std::max<long>(c.n_outputs, 1));
  if (ws.narrow)
    for (Mat<S>* mat : {&ws.dx_sel, &ws.dq_sel, &ws.dq_in_sel}) reserve_rows(*mat, B, d);
  const S alpha = static_cast<S>(c.readout_scale);
  const S inv_b = S(1) / static_cast<S>(B);
  const long Z = ws.narrow ? B : N;  // rows of z (see forward)

  // Head: gradient with respect to z (after ln_f), into dtmp.
  auto dz_state = ws.dtmp.topRows(Z);
  dz_state.setZero();
  const auto z = ws.z.topRows(Z);
  if (c.head == HeadKind::classify) {
    VecMap<S> gw(g("head.weight"), d);
    S* gb = g("head.bias");
    const CVecMap<S> w(m.param("head.weight"), d);
    for (int i = 0; i < B; ++i) {
      const S dlogit = (sigmoid(ws.readout_logits[i]) - batch.labels[static_cast<std::size_t>(i)]) * inv_b;
      gw += alpha * dlogit * ws.readout.row(i);
      gb[0] += alpha * dlogit;
      const long r0 = batch.offsets[static_cast<std::size_t>(i)], T = batch.length(i);
      const auto dstate = (alpha * dlogit * w).eval();
      if (ws.narrow) dz_state.row(i) += dstate;
      else switch (c.readout) {
        case ClassifyReadout::bos: dz_state.row(r0) += dstate; break;
        case ClassifyReadout::last: dz_state.row(r0 + T - 1) += dstate; break;
        case ClassifyReadout::mean: dz_state.middleRows(r0, T).rowwise() += dstate / static_cast<S>(T); break;
      }
    }
  } else {
    const long O = c.n_outputs;
    auto dlog = ws.dz.topRows(N);
    const auto logits = ws.logits.topRows(N);
    parallel_chunks(0, static_cast<std::size_t>(B), kGrainStrings, [&](std::size_t lo, std::size_t hi) {
      for (std::size_t i = lo; i < hi; ++i) {
        const long r0 = batch.offsets[i], T = batch.offsets[i + 1] - r0;
        const long counted = c.head == HeadKind::lm ? counted_positions(batch, r0, T) : T;
        for (long r = r0; r < r0 + T; ++r) {
          if (c.head == HeadKind::next_symbols) {
            const S scale = inv_b / static_cast<S>(T * O);
            for (long o = 0; o < O; ++o)
              dlog(r, o) = alpha * scale * (sigmoid(logits(r, o)) - batch.targets[static_cast<std::size_t>(r * O + o)]);
          } else {
            const int target = batch.next_tokens[static_cast<std::size_t>(r)];
            if (target < 0) {  // ignored position
              dlog.row(r).setZero();
              continue;
            }
            const S scale = inv_b / static_cast<S>(counted);
            const S mx = logits.row(r).maxCoeff();
            dlog.row(r) = (logits.row(r).array() - mx).exp();
            dlog.row(r) /= dlog.row(r).sum();
            dlog(r, target) -= S(1);
            dlog.row(r) *= alpha * scale;
          }
        }
      }
    });
    linear_backward<S>(z, m.param("head.weight"), dlog, dz_state, g("head.weight"), g("head.bias"));
  }
  // ln_f: the residual gradient after the last layer (dx_sel in a narrow pass, else dx).
  auto dx_top = (ws.narrow ? ws.dx_sel : ws.dx).topRows(Z);
  if (uses_ln_f(c)) {
    dx_top.setZero();
    layernorm_backward<S>(ws.x_final.topRows(Z), m.param("ln_f.weight"), ws.lnf_mean.head(Z), ws.lnf_rstd.head(Z), dz_state,
                          dx_top, g("ln_f.weight"), g("ln_f.bias"));
  } else {
    dx_top = dz_state;
  }

  const AttentionShape shape{c.n_heads, c.causal, &batch.offsets, &ws.prob_offsets};
  const bool post = c.layer_norm == LayerNormMode::post;
  auto dx = ws.dx.topRows(N);
  for (int l = L - 1; l >= 0; --l) {
    auto& a = ws.layers[static_cast<std::size_t>(l)];
    const auto p = fmt::format("layers.{}.", l);
    const bool narrow = ws.narrow && l == L - 1;
    const long R = narrow ? B : N;  // rows past the attention (see forward)
    auto dxr = (narrow ? ws.dx_sel : ws.dx).topRows(R);
    auto dtmp = ws.dtmp.topRows(R);
    const auto x_in = a.x_in.topRows(N);
    const auto x_mid = a.x_mid.topRows(R);
    if (post) {  // out = ln2(r2): dxr <- d r2
      dtmp.setZero();
      layernorm_backward<S>(a.r2.topRows(R), m.param(p + "ln2.weight"), a.ln2_mean.head(R), a.ln2_rstd.head(R), dxr, dtmp,
                            g(p + "ln2.weight"), g(p + "ln2.bias"));
      dxr = dtmp;
    }
    // MLP: (x_mid or ln2(x_mid)) -> fc1 -> act -> fc2, added to the residual.
    auto dact = ws.dff.topRows(R);
    linear_backward_input<S>(m.param(p + "ffn.fc2.weight"), dxr, dact, /*accumulate=*/false);
    linear_backward_params<S>(a.act.topRows(R), dxr, g(p + "ffn.fc2.weight"), g(p + "ffn.fc2.bias"));
    auto dfc = ws.dff2.topRows(R);  // d(loss)/d(fc1 pre-activation)
    activation_backward<S>(c.activation, a.fc1.topRows(R), dact, dfc, /*accumulate=*/false);
    if (!post && uses_ln2(c)) {
      auto dm = ws.datt.topRows(R);
      linear_backward_input<S>(m.param(p + "ffn.fc1.weight"), dfc, dm, /*accumulate=*/false);
      linear_backward_params<S>(a.ln2.topRows(R), dfc, g(p + "ffn.fc1.weight"), g(p + "ffn.fc1.bias"));
      layernorm_backward<S>(x_mid, m.param(p + "ln2.weight"), a.ln2_mean.head(R), a.ln2_rstd.head(R), dm, dxr,
                            g(p + "ln2.weight"), g(p + "ln2.bias"));
    } else {
      linear_backward<S>(x_mid, m.param(p + "ffn.fc1.weight"), dfc, dxr, g(p + "ffn.fc1.weight"), g(p + "ffn.fc1.bias"));
    }
    if (post) {  // x_mid = ln1(r1): dxr <- d r1
      dtmp.setZero();
      layernorm_backward<S>(a.r1.topRows(R), m.param(p + "ln1.weight"), a.ln1_mean.head(R), a.ln1_rstd.head(R), dxr, dtmp,
                            g(p + "ln1.weight"), g(p + "ln1.bias"));
      dxr = dtmp;
    }
    // Attention: o projection, attention, q/k/v projections.
    auto datt = ws.datt.topRows(R);
    linear_backward_input<S>(m.param(p + "attn.o.weight"), dxr, datt, /*accumulate=*/false);
    linear_backward_params<S>(a.att.topRows(R), dxr, g(p + "attn.o.weight"), gopt(p + "attn.o.bias"));
    const auto qkv = a.qkv.topRows(N);
    auto dqkv = ws.dqkv.topRows(N);
    dqkv.setZero();
    const bool ln1 = !post && uses_ln1(c), qk = ln_on_qk(c), vv = ln_on_v(c);
    const auto qin = qk ? a.ln1.topRows(N) : x_in;
    const auto vin = vv ? a.ln1.topRows(N) : x_in;
    const S* wqkv = a.w_qkv.data();
    auto dln = ws.dtmp.topRows(N);  // the ln1 output's gradient
    if (!narrow) {
      attention_backward<S>(shape, qkv.leftCols(d), qkv.middleCols(d, d), qkv.rightCols(d), a.probs, datt, dqkv.leftCols(d),
                            dqkv.middleCols(d, d), dqkv.rightCols(d));
      // Input gradients through the stacked weights of the forward pass (one GEMM when q, k, v
      // share their input); dln is written, dx accumulated.
      if (qk == vv) {
        linear_backward_input<S>(wqkv, dqkv, qk ? dln : dx, /*accumulate=*/!qk);
      } else {
        linear_backward_input<S>(wqkv, dqkv.leftCols(2 * d), qk ? dln : dx, /*accumulate=*/!qk);
        linear_backward_input<S>(wqkv + 2 * d * d, dqkv.rightCols(d), vv ? dln : dx, /*accumulate=*/!vv);
      }
      if (ln1 && !qk && !vv) dln.setZero();
      linear_backward_params<S>(qin, dqkv.leftCols(d), g(p + "attn.q.weight"), gopt(p + "attn.q.bias"));
    } else {
      // The residual reaches x_in at the readout rows only; k and v at every row; q at the readouts.
      dx.setZero();
      for (int i = 0; i < B; ++i) dx.row(ws.readout_rows[static_cast<std::size_t>(i)]) += dxr.row(i);
      auto dq = ws.dq_sel.topRows(B);
      dq.setZero();
      const AttentionShape qshape{c.n_heads, c.causal, &batch.offsets, &ws.query_prob_offsets};
      attention_query_backward<S>(qshape, ws.readout_pos, a.q_sel.topRows(B), qkv.middleCols(d, d), qkv.rightCols(d), a.probs,
                                  datt, dq, dqkv.middleCols(d, d), dqkv.rightCols(d));
      if (ln1) dln.setZero();
      if (qk == vv) {
        linear_backward_input<S>(wqkv + d * d, dqkv.rightCols(2 * d), qk ? dln : dx);
      } else {
        linear_backward_input<S>(wqkv + d * d, dqkv.middleCols(d, d), qk ? dln : dx);
        linear_backward_input<S>(wqkv + 2 * d * d, dqkv.rightCols(d), vv ? dln : dx);
      }
      auto dq_in = ws.dq_in_sel.topRows(B);
      linear_backward_input<S>(wqkv, dq, dq_in, /*accumulate=*/false);
      auto dq_target = qk ? dln : dx;
      for (int i = 0; i < B; ++i) dq_target.row(ws.readout_rows[static_cast<std::size_t>(i)]) += dq_in.row(i);
      linear_backward_params<S>(a.q_in_sel.topRows(B), dq, g(p + "attn.q.weight"), gopt(p + "attn.q.bias"));
    }
    linear_backward_params<S>(qin, dqkv.middleCols(d, d), g(p + "attn.k.weight"), gopt(p + "attn.k.bias"));
    linear_backward_params<S>(vin, dqkv.rightCols(d), g(p + "attn.v.weight"), gopt(p + "attn.v.bias"));
    if (ln1)
      layernorm_backward<S>(x_in, m.param(p + "ln1.weight"), a.ln1_mean.head(N), a.ln1_rstd.head(N), dln, dx,
                            g(p + "ln1.weight"), g(p + "ln1.bias"));
  }
  // Embeddings: scatter-add in token order (deterministic).
  MatMap<S> gembed(g("embed.weight"), c.vocab, d);
  S* gpos = gopt("pos.weight");
  for (int i = 0; i < B; ++i)
    for (int t = 0; t < batch.length(i); ++t) {
      const long r = batch.offsets[static_cast<std::size_t>(i)] + t;
      gembed.row(batch.tokens[static_cast<std::size_t>(r)]) += dx.row(r);
      if (gpos) MatMap<S>(gpos, c.max_len, d).row(t) += dx.row(r);
    }
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
