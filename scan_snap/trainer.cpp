#include "scan_snap/trainer.h"

#include <cmath>

namespace saturn::scan_snap {

namespace {
double entropy(const std::vector<double>& p) {
  double h = 0;
  for (double x : p)
    if (x > 0) h -= x * std::log(x);
  return h;
}
}  // namespace

std::vector<double> class_attention(const Model& m, const Dataset& data, int klass) {
  const auto& support = data.support(klass);
  const int q = data.query_token(klass);
  std::vector<double> a(support.size());
  double mx = -INFINITY, sum = 0;
  for (std::size_t i = 0; i < support.size(); ++i) mx = std::max(mx, m.z(support[i], q));
  for (std::size_t i = 0; i < support.size(); ++i) sum += a[i] = std::exp(m.z(support[i], q) - mx);
  for (double& x : a) x /= sum;
  return a;
}

TrainResult train(const Dataset& data, const TrainOptions& o) {
  const int M = data.vocab();
  TrainResult r(M);
  r.classes.resize(static_cast<std::size_t>(data.num_classes()));
  Grads g(M), velocity(M);
  std::vector<Sequence> batch(static_cast<std::size_t>(o.batch));
  auto record = [&](int step, double loss) {
    r.record_steps.push_back(step);
    r.loss.push_back(loss);
    double mean = 0;
    for (int c = 0; c < data.num_classes(); ++c) {
      auto a = class_attention(r.model, data, c);
      const double h = entropy(a);
      mean += h;
      r.classes[static_cast<std::size_t>(c)].attention.push_back(std::move(a));
      r.classes[static_cast<std::size_t>(c)].entropy.push_back(h);
    }
    r.mean_entropy.push_back(mean / data.num_classes());
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
  r.final_entropy = r.mean_entropy.back();
  r.final_accuracy = static_cast<double>(correct) / static_cast<double>(o.batch);
  const double scale = std::max(1e-12, std::abs(r.mean_entropy.front()));
  std::size_t freeze = r.mean_entropy.size() - 1;
  while (freeze > 0 && std::abs(r.mean_entropy[freeze - 1] - r.final_entropy) <= o.freeze_tolerance * scale) --freeze;
  r.freeze_step = r.record_steps[freeze];
  return r;
}

}  // namespace saturn::scan_snap
