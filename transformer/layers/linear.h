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

}  // namespace saturn
