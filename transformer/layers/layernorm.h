// Layer normalisation over the last dimension (Ba et al. 2016; PyTorch nn.LayerNorm: biased
// variance, eps inside the square root). With eps = 0 a constant row normalises to 0.
#pragma once

#include "transformer/tensor.h"

namespace saturn {

// y (N, d) = (x - mean) * rstd * w + b; keeps mean (N) and rstd (N) for the backward pass.
template <class S>
void layernorm_forward(const CMatRef<S>& x, const S* w, const S* b, S eps, MatRef<S> y, VecRef<S> mean, VecRef<S> rstd);

// dx (N, d) += ..., dw (d) += ..., db (d) += ...
template <class S>
void layernorm_backward(const CMatRef<S>& x, const S* w, const CVecRef<S>& mean, const CVecRef<S>& rstd, const CMatRef<S>& dy,
                        MatRef<S> dx, S* dw, S* db);

}  // namespace saturn
