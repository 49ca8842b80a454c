// Optimizers on flat parameter buffers laid out by the parameter table, with PyTorch's semantics:
// SGD (momentum, optional Nesterov, L2 weight decay added to the gradient), Adam (L2 decay added
// to the gradient, bias-corrected moments), AdamW (decoupled decay p -= lr * wd * p) and RMSprop
// (torch.optim.RMSprop without momentum and not centered: L2 decay added to the gradient,
// s = alpha s + (1 - alpha) g^2, p -= lr g / (sqrt(s) + eps); Bhattamishra et al. 2020 train with it).
// Learning rate and weight decay can differ per parameter group; optional global-norm clipping
// (torch.nn.utils.clip_grad_norm_, the norm summed in double in index order).
// The state (m, v) has the parameters' layout; one step costs O(number of parameters).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "transformer/param_table.h"

namespace saturn {

enum class OptimizerKind { sgd, adam, adamw, rmsprop };

struct GroupOptions {
  double lr_scale = 1.0;       // learning rate multiplier for this group
  double weight_decay = -1.0;  // < 0: use the optimizer's weight_decay
};

struct OptimizerOptions {
  OptimizerKind kind = OptimizerKind::adamw;
  double lr = 1e-3;
  double momentum = 0.0;   // SGD
  bool nesterov = false;   // SGD
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;  // Adam(W); eps also RMSprop's
  double alpha = 0.99;     // RMSprop: smoothing of the squared-gradient average (PyTorch's default)
  double weight_decay = 0.0;
  double clip_norm = 0.0;  // global gradient-norm clipping; 0 = off
  std::array<GroupOptions, kNumParamGroups> groups{};
};

template <class S>
class Optimizer {
 public:
  Optimizer(OptimizerOptions options, const TensorTable& table);

  // One update with learning rate lr * schedule_factor. Clips grads in place when asked.
  // Returns the gradient norm before clipping. A non-finite norm changes nothing (no update, no
  // step counted): the caller should stop the run.
  double step(S* params, S* grads, double schedule_factor);

  const OptimizerOptions& options() const { return options_; }
  std::int64_t steps() const { return t_; }
  // State for checkpoints: first and second moments (or momentum buffer; RMSprop: v only, the
  // squared-gradient average) and the step count.
  std::vector<S>& m() { return m_; }
  std::vector<S>& v() { return v_; }
  const std::vector<S>& m() const { return m_; }
  const std::vector<S>& v() const { return v_; }
  void set_steps(std::int64_t t) { t_ = t; }

 private:
  OptimizerOptions options_;
  const TensorTable* table_;
  std::vector<S> m_, v_;
  std::int64_t t_ = 0;
};

// Global L2 norm of a flat buffer (summed in a fixed order, in double).
template <class S>
double l2_norm(const S* x, std::size_t n);
// The same norm over a buffer laid out by `table`, summed in table order (specs()): element i of
// the tensors taken in table order goes where element i of l2_norm's buffer would, so the value
// does not depend on the layout order.
template <class S>
double l2_norm(const TensorTable& table, const S* x);

}  // namespace saturn
