// Linear layer y = x W^T + b (PyTorch nn.Linear) over all N rows of a packed batch.
// Forward splits rows into fixed chunks; backward computes dW by owned output rows, so no float
// is reduced across threads and results do not depend on the thread count.
#pragma once

#include "transformer/tensor.h"

namespace saturn {

// y (N, out) = x (N, in) W^T (W: (out, in)) + b (out; may be null).
template <class S>
void linear_forward(const CMatRef<S>& x, const S* w, const S* b, int out, MatRef<S> y);

// dx (N, in) += dy W;  dW (out, in) += dy^T x;  db (out) += sum_rows dy  (db may be null).
template <class S>
void linear_backward(const CMatRef<S>& x, const S* w, const CMatRef<S>& dy, MatRef<S> dx, S* dw, S* db);

// The two halves of linear_backward, for fused projections (one GEMM for dx over several stacked
// weights): dx (N, in) += dy W, or = dy W when !accumulate (no need to clear dx first) ...
template <class S>
void linear_backward_input(const S* w, const CMatRef<S>& dy, MatRef<S> dx, bool accumulate = true);
// ... and dW (out, in) += dy^T x, db (out) += sum_rows dy (db may be null).
template <class S>
void linear_backward_params(const CMatRef<S>& x, const CMatRef<S>& dy, S* dw, S* db);

}  // namespace saturn
