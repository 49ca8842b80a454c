#include "transformer/optimizer.h"

#include <cmath>

namespace saturn {

template <class S>
double l2_norm(const S* x, std::size_t n) {
  double s = 0;
  for (std::size_t i = 0; i < n; ++i) s += static_cast<double>(x[i]) * static_cast<double>(x[i]);
  return std::sqrt(s);
}

template <class S>
Optimizer<S>::Optimizer(OptimizerOptions options, const TensorTable& table)
    : options_(options), table_(&table), m_(table.total_size(), S(0)), v_(table.total_size(), S(0)) {}

template <class S>
double Optimizer<S>::step(S* params, S* grads, double schedule_factor) {
  const auto& o = options_;
  const std::size_t n = table_->total_size();
  const double norm = l2_norm(grads, n);
  if (!std::isfinite(norm)) return norm;  // no update: the caller stops the run
  // torch.nn.utils.clip_grad_norm_: coefficient max_norm / (norm + 1e-6), applied when below 1.
  const double clip = o.clip_norm > 0 ? o.clip_norm / (norm + 1e-6) : 1.0;
  if (clip < 1.0) {
    const S scale = static_cast<S>(clip);
    for (std::size_t i = 0; i < n; ++i) grads[i] *= scale;
  }
  ++t_;
  const double bc1 = 1.0 - std::pow(o.beta1, static_cast<double>(t_));
  const double bc2 = 1.0 - std::pow(o.beta2, static_cast<double>(t_));
  for (const auto& spec : table_->specs()) {
    const auto& g = o.groups[static_cast<std::size_t>(spec.group)];
    const S lr = static_cast<S>(o.lr * schedule_factor * g.lr_scale);
    const S wd = static_cast<S>(g.weight_decay >= 0 ? g.weight_decay : o.weight_decay);
    S* p = params + spec.offset;
    S* gr = grads + spec.offset;
    S* m = m_.data() + spec.offset;
    S* v = v_.data() + spec.offset;
    switch (o.kind) {
      case OptimizerKind::sgd: {
        const S mu = static_cast<S>(o.momentum);
        for (std::size_t j = 0; j < spec.size; ++j) {
          S d = gr[j] + wd * p[j];
          if (mu != 0) {
            m[j] = t_ == 1 ? d : mu * m[j] + d;  // PyTorch: the first step initialises the buffer
            d = o.nesterov ? d + mu * m[j] : m[j];
          }
          p[j] -= lr * d;
        }
        break;
      }
      case OptimizerKind::adam:
      case OptimizerKind::adamw: {
        const S b1 = static_cast<S>(o.beta1), b2 = static_cast<S>(o.beta2);
        const S step_size = static_cast<S>(static_cast<double>(lr) / bc1);
        const S sqrt_bc2 = static_cast<S>(std::sqrt(bc2)), eps = static_cast<S>(o.eps);
        const bool decoupled = o.kind == OptimizerKind::adamw;
        for (std::size_t j = 0; j < spec.size; ++j) {
          if (decoupled) p[j] *= S(1) - lr * wd;
          const S d = decoupled ? gr[j] : gr[j] + wd * p[j];
          m[j] = b1 * m[j] + (S(1) - b1) * d;
          v[j] = b2 * v[j] + (S(1) - b2) * d * d;
          p[j] -= step_size * m[j] / (std::sqrt(v[j]) / sqrt_bc2 + eps);
        }
        break;
      }
    }
  }
  return norm;
}

template class Optimizer<float>;
template class Optimizer<double>;
template double l2_norm<float>(const float*, std::size_t);
template double l2_norm<double>(const double*, std::size_t);

}  // namespace saturn
