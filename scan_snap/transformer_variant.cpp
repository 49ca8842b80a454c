#include "scan_snap/transformer_variant.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace saturn::scan_snap {

ModelConfig transformer_config(const Dataset& data, ModelConfig c) {
  c.vocab = data.vocab() + 1;
  c.bos_id = data.vocab();
  c.tokens.clear();
  c.head = HeadKind::lm;
  c.n_outputs = c.vocab;
  c.max_len = std::max(data.options().seq_len, data.options().num_common + data.options().num_common_per_last +
                                                   data.options().num_unique_per_next + 1);
  c.validate();
  return c;
}

Batch transformer_batch(const std::vector<Sequence>& sequences) {
  Batch b;
  b.offsets.push_back(0);
  for (const auto& s : sequences) {
    b.tokens.insert(b.tokens.end(), s.keys.begin(), s.keys.end());
    b.tokens.push_back(s.query);
    b.next_tokens.insert(b.next_tokens.end(), s.keys.size(), -1);
    b.next_tokens.push_back(s.label);
    b.offsets.push_back(static_cast<int>(b.tokens.size()));
  }
  return b;
}

namespace {

// Probe strings, one per class: its support tokens once each, then the query.
Batch probe_batch(const Dataset& data) {
  std::vector<Sequence> probes;
  for (int c = 0; c < data.num_classes(); ++c) {
    Sequence s;
    s.keys = data.support(c);
    s.query = data.query_token(c);
    s.label = data.next_token(c);
    s.klass = c;
    probes.push_back(std::move(s));
  }
  return transformer_batch(probes);
}

// Each class's recorded attention and the query's mean self-attention, from a probe forward pass.
std::pair<std::vector<std::vector<double>>, double> probe_attention(const saturn::Model<float>& m, const Dataset& data,
                                                                     const Batch& probes, Workspace<float>& ws,
                                                                     bool weighted) {
  forward(m, probes, ws);
  std::vector<std::vector<double>> out;
  double self = 0;
  const int H = m.config.n_heads;
  for (int c = 0; c < data.num_classes(); ++c) {
    const long T = probes.length(c);
    std::vector<double> a(static_cast<std::size_t>(T), 0.0);
    for (int h = 0; h < H; ++h) {
      const auto w = attention_weights(m, probes, ws, 0, c, h);  // (T, T) [query][key]
      for (long k = 0; k < T; ++k) a[static_cast<std::size_t>(k)] += static_cast<double>(w(T - 1, k)) / H;
    }
    self += a.back() / data.num_classes();
    a.pop_back();
    std::vector<double> scores(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) scores[i] = std::log(std::max(a[i], 1e-300));
    out.push_back(support_attention(scores, data, c, weighted));
  }
  return {out, self};
}

}  // namespace

TransformerResult train_transformer(const Dataset& data, const TransformerOptions& o) {
  const ModelConfig config = transformer_config(data, o.model);
  TransformerResult r(config);
  r.model.init(o.seed);
  {
    float* e = r.model.param("embed.weight");
    const std::size_t n = r.model.table.at("embed.weight").size;
    const float scale = static_cast<float>(o.embed_std / 0.02);
    for (std::size_t i = 0; i < n; ++i) e[i] *= scale;
  }
  OptimizerOptions opt = o.optimizer;
  opt.lr = o.lr_z;
  for (ParamGroup g : {ParamGroup::head, ParamGroup::feed_forward, ParamGroup::layer_norm})
    opt.groups[static_cast<std::size_t>(g)].lr_scale *= o.lr_ratio;
  Optimizer<float> optimizer(opt, r.model.table);
  Workspace<float> ws, probe_ws;
  std::vector<float> grads(r.model.params.size());
  const Batch probes = probe_batch(data);
  std::vector<Sequence> sequences(static_cast<std::size_t>(o.batch));
  auto record = [&](int step, double loss) {
    auto [attention, self] = probe_attention(r.model, data, probes, probe_ws, o.weight_by_probability);
    r.record(step, loss, std::move(attention));
    r.self_attention.push_back(self);
  };
  StepStats st;
  for (int step = 0; step < o.steps; ++step) {
    for (std::size_t i = 0; i < sequences.size(); ++i)
      sequences[i] = data.sample(o.seed, static_cast<std::uint64_t>(step) * sequences.size() + i);
    const Batch batch = transformer_batch(sequences);
    st = forward(r.model, batch, ws, {}, ForwardScope::loss);  // the last layer at the query positions only
    if (!std::isfinite(st.loss)) throw Error(fmt::format("scan_snap transformer: the loss is {} at step {}", st.loss, step));
    if (step % o.record_every == 0) record(step, st.loss);
    std::fill(grads.begin(), grads.end(), 0.0f);
    backward(r.model, batch, ws, grads.data());
    if (!std::isfinite(optimizer.step(r.model.params.data(), grads.data(), 1.0)))
      throw Error(fmt::format("scan_snap transformer: the gradient is not finite at step {}", step));
  }
  record(o.steps, st.loss);
  r.finish(o.freeze_tolerance);
  r.final_accuracy = static_cast<double>(st.correct) / static_cast<double>(std::max(1, st.strings));
  return r;
}

StepStats evaluate_transformer(const saturn::Model<float>& model, const std::vector<Sequence>& sequences, int batch) {
  Workspace<float> ws;
  StepStats total;
  for (std::size_t lo = 0; lo < sequences.size(); lo += static_cast<std::size_t>(batch)) {
    const std::size_t hi = std::min(sequences.size(), lo + static_cast<std::size_t>(batch));
    const std::vector<Sequence> part(sequences.begin() + static_cast<long>(lo), sequences.begin() + static_cast<long>(hi));
    const auto st = forward(model, transformer_batch(part), ws, {}, ForwardScope::loss);
    total.loss += st.loss * static_cast<double>(hi - lo);
    total.correct += st.correct;
    total.strings += static_cast<int>(hi - lo);
  }
  if (total.strings > 0) total.loss /= total.strings;
  return total;
}

}  // namespace saturn::scan_snap
