// Pointwise activations: ReLU, and GELU in its exact erf form (Hendrycks & Gimpel 2016; PyTorch's
// default nn.GELU).
#pragma once

#include "transformer/config.h"
#include "transformer/tensor.h"

namespace saturn {

template <class S>
void activation_forward(Activation kind, const CMatRef<S>& x, MatRef<S> y);
// dx (+=) from dy at pre-activation x.
template <class S>
void activation_backward(Activation kind, const CMatRef<S>& x, const CMatRef<S>& dy, MatRef<S> dx);

}  // namespace saturn
