#include "transformer/optimizer.h"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>

namespace saturn {

template <class S>
double l2_norm(const S* x, std::size_t n) {
  // Eight partial sums in a fixed order (element i goes to sum i mod 8), so the compiler can keep
  // them in one vector register; the result depends on n only, never on threads.
  double part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (std::size_t j = 0; j < 8; ++j) part[j] += static_cast<double>(x[i + j]) * static_cast<double>(x[i + j]);
  for (std::size_t j = 0; i < n; ++i, ++j) part[j] += static_cast<double>(x[i]) * static_cast<double>(x[i]);
  return std::sqrt(((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7])));
}

template <class S>
double l2_norm(const TensorTable& table, const S* x) {
  // As above, element i (counted across the tensors in table order) to partial sum i mod 8.
  double part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  std::size_t i = 0;
  for (const auto& spec : table.specs()) {
    const S* p = x + spec.offset;
    std::size_t j = 0;
    for (; j < spec.size && i % 8 != 0; ++j, ++i) part[i % 8] += static_cast<double>(p[j]) * static_cast<double>(p[j]);
    for (; j + 8 <= spec.size; j += 8, i += 8)
      for (std::size_t k = 0; k < 8; ++k) part[k] += static_cast<double>(p[j + k]) * static_cast<double>(p[j + k]);
    for (; j < spec.size; ++j, ++i) part[i % 8] += static_cast<double>(p[j]) * static_cast<double>(p[j]);
  }
  return std::sqrt(((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7])));
}

namespace {

// Adam's and RMSprop's updates run on blocks of 16 elements in aligned local arrays: packet sqrt
// and division, and every element through the same instructions whatever its address (a scalar
// loop keeps std::sqrt's errno path and does not vectorise; Eigen maps over the tensors would peel
// an address-dependent head through scalar code, and resumed runs would drift).
constexpr std::size_t kBlock = 16;
template <class S>
using Block = Eigen::Array<S, static_cast<int>(kBlock), 1>;

// update(P, G, M, V) on each block of the n elements of p, g, m, v (m may be null: M stays 0);
// p, m and v are written back, g is not (the update may change its local copy). The tail block has
// zeros in its unused lanes (v = 0 keeps them finite).
template <class S, class Update>
void update_in_blocks(std::size_t n, S* p, const S* g, S* m, S* v, Update update) {
  Block<S> P, G, M, V;
  M.setZero();
  for (std::size_t j = 0; j < n; j += kBlock) {
    const std::size_t k = std::min(kBlock, n - j);
    if (k < kBlock) {
      P.setZero();
      G.setZero();
      M.setZero();
      V.setZero();
    }
    std::copy_n(p + j, k, P.data());
    std::copy_n(g + j, k, G.data());
    if (m) std::copy_n(m + j, k, M.data());
    std::copy_n(v + j, k, V.data());
    update(P, G, M, V);
    std::copy_n(P.data(), k, p + j);
    if (m) std::copy_n(M.data(), k, m + j);
    std::copy_n(V.data(), k, v + j);
  }
}

}  // namespace

template <class S>
Optimizer<S>::Optimizer(OptimizerOptions options, const TensorTable& table)
    : options_(options), table_(&table), m_(table.total_size(), S(0)), v_(table.total_size(), S(0)) {}

template <class S>
double Optimizer<S>::step(S* params, S* grads, double schedule_factor) {
  const auto& o = options_;
  const std::size_t n = table_->total_size();
  const double norm = l2_norm(*table_, grads);  // in table order, whatever the layout
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
        update_in_blocks(spec.size, p, gr, m, v, [&](Block<S>& P, Block<S>& G, Block<S>& M, Block<S>& V) {
          if (decoupled) P *= S(1) - lr * wd;
          else G += wd * P;  // L2 term in the gradient (of this local copy)
          M = b1 * M + (S(1) - b1) * G;
          V = b2 * V + (S(1) - b2) * G.square();
          P -= step_size * M / (V.sqrt() / sqrt_bc2 + eps);
        });
        break;
      }
      case OptimizerKind::rmsprop: {  // torch.optim.RMSprop, momentum 0, centered false
        const S a = static_cast<S>(o.alpha), eps = static_cast<S>(o.eps);
        auto rmsprop = [&](Block<S>& P, Block<S>& G, Block<S>&, Block<S>& V) {
          G += wd * P;  // L2 term in the gradient (of this local copy)
          V = a * V + (S(1) - a) * G.square();
          P -= lr * G / (V.sqrt() + eps);
        };
        update_in_blocks(spec.size, p, gr, static_cast<S*>(nullptr), v, rmsprop);  // no first moment
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
template double l2_norm<float>(const TensorTable&, const float*);
template double l2_norm<double>(const TensorTable&, const double*);

}  // namespace saturn
