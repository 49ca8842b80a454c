#include "scan_snap/reparam_training.h"

#include <algorithm>
#include <cmath>

#include "core/streams.h"

namespace saturn::scan_snap {

namespace {
constexpr std::uint64_t kInitStream = streams::kScanSnapInit;  // data samples use streams 0, 1, 2, ...
}  // namespace

double entropy(const std::vector<double>& p) {
  double h = 0;
  for (double x : p)
    if (x > 0) h -= x * std::log(x);
  return h;
}

void init_uniform(Model& m, std::uint64_t seed) {
  Rng rng(seed, kInitStream);
  const double bound = 1.0 / std::sqrt(static_cast<double>(m.z.rows()));
  for (Matrix* w : {&m.z, &m.y})
    for (long i = 0; i < w->size(); ++i) w->data()[i] = bound * (2.0 * rng.uniform01() - 1.0);
}

std::vector<double> support_attention(const std::vector<double>& logits, const Dataset& data, int klass,
                                      bool weight_by_probability) {
  const auto& p = data.probabilities(klass);
  std::vector<double> a(logits.size());
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = logits[i] + (weight_by_probability ? std::log(p[i]) : 0.0);
  const double mx = *std::max_element(a.begin(), a.end());
  double sum = 0;
  for (double& x : a) sum += x = std::exp(x - mx);
  for (double& x : a) x /= sum;
  return a;
}

std::vector<double> class_attention(const Model& m, const Dataset& data, int klass, bool weight_by_probability) {
  const auto& support = data.support(klass);
  const int q = data.query_token(klass);
  std::vector<double> logits(support.size());
  for (std::size_t i = 0; i < support.size(); ++i) logits[i] = m.z(support[i], q);
  return support_attention(logits, data, klass, weight_by_probability);
}

void Trace::record(int step, double batch_loss, std::vector<std::vector<double>> attention) {
  if (classes.empty()) classes.resize(attention.size());
  record_steps.push_back(step);
  loss.push_back(batch_loss);
  double mean = 0;
  for (std::size_t c = 0; c < attention.size(); ++c) {
    const double h = entropy(attention[c]);
    mean += h;
    classes[c].entropy.push_back(h);
    classes[c].attention.push_back(std::move(attention[c]));
  }
  mean_entropy.push_back(attention.empty() ? 0.0 : mean / static_cast<double>(attention.size()));
}

void Trace::finish(double freeze_tolerance) {
  final_entropy = mean_entropy.back();
  const double scale = std::max(1e-12, std::abs(mean_entropy.front()));
  std::size_t freeze = mean_entropy.size() - 1;
  while (freeze > 0 && std::abs(mean_entropy[freeze - 1] - final_entropy) <= freeze_tolerance * scale) --freeze;
  freeze_step = record_steps[freeze];
}

TrainResult train(const Dataset& data, const TrainOptions& o) {
  const int M = data.vocab();
  TrainResult r(M);
  if (!o.zero_init) init_uniform(r.model, o.seed);
  Grads g(M), velocity(M);
  std::vector<Sequence> batch(static_cast<std::size_t>(o.batch));
  auto record = [&](int step, double loss) {
    std::vector<std::vector<double>> attention;
    for (int c = 0; c < data.num_classes(); ++c) attention.push_back(class_attention(r.model, data, c, o.weight_by_probability));
    r.record(step, loss, std::move(attention));
  };
  double loss = 0;
  int correct = 0;
  for (int step = 0; step < o.steps; ++step) {
    for (std::size_t i = 0; i < batch.size(); ++i)
      batch[i] = data.sample(o.seed, static_cast<std::uint64_t>(step) * batch.size() + i);
    g.zero();
    loss = forward_backward(r.model, batch, g, &correct);
    if (step % o.record_every == 0) record(step, loss);
    velocity.z = o.momentum * velocity.z + g.z;
    velocity.y = o.momentum * velocity.y + g.y;
    r.model.z -= o.lr_z * velocity.z;
    r.model.y -= o.lr_z * o.lr_ratio * velocity.y;
  }
  record(o.steps, loss);
  r.finish(o.freeze_tolerance);
  r.final_accuracy = static_cast<double>(correct) / static_cast<double>(o.batch);
  return r;
}

}  // namespace saturn::scan_snap
