// Pointwise activations: ReLU, and GELU in its exact erf form (Hendrycks & Gimpel 2016; PyTorch's
// default nn.GELU). In float, GELU runs on SIMD packets with its own normal CDF (relative error
// <= 9 units of float rounding, see activation.cpp); in double it uses std::erf.
#pragma once

#include "transformer/config.h"
#include "transformer/tensor.h"

namespace saturn {

template <class S>
void activation_forward(Activation kind, const CMatRef<S>& x, MatRef<S> y);
// dx (+=, or = when !accumulate) dy * act'(x) at pre-activation x.
template <class S>
void activation_backward(Activation kind, const CMatRef<S>& x, const CMatRef<S>& dy, MatRef<S> dx, bool accumulate = true);

}  // namespace saturn
