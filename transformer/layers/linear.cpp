#include "transformer/layers/linear.h"

#include <algorithm>

#include "core/parallel.h"
#include "transformer/layers/gemm.h"

namespace saturn {

namespace {
// Each task is one GEMM (layers/gemm.h) that packs its whole weight operand (forward, dx) or its
// whole activation operand (dW) again, so tasks are kept large: 128..256 activation rows, and the weight
// gradient in kWeightTasks slices of output rows (2 slices of >= 64 rows: with 4 slices of 32 rows,
// packing the activations four times cost the grokking step 4%). Both depend only on the shapes,
// never on the number of threads.
constexpr std::size_t kGrainRows = 256;        // activation rows per task (at most)
constexpr std::size_t kWeightTasks = 2;        // weight-gradient tasks per GEMM
constexpr std::size_t kMinWeightRows = 64;     // ... each of at least this many output rows

std::size_t weight_grain(long out) {
  return std::max(kMinWeightRows, (static_cast<std::size_t>(out) + kWeightTasks - 1) / kWeightTasks);
}
}  // namespace

template <class S>
void linear_forward(const CMatRef<S>& x, const S* w, const S* b, int out, MatRef<S> y) {
  const long n = x.rows(), in = x.cols();
  const CMatMap<S> W(w, out, in);
  parallel_chunks(0, static_cast<std::size_t>(n), kGrainRows, [&](std::size_t lo, std::size_t hi) {
    const auto rows = static_cast<long>(hi - lo), r0 = static_cast<long>(lo);
    gemm(Op::none, Op::transpose, x.middleRows(r0, rows), W, /*accumulate=*/false, y.middleRows(r0, rows));
    if (b) y.middleRows(r0, rows).rowwise() += CVecMap<S>(b, out);
  });
}

template <class S>
void linear_backward_input(const S* w, const CMatRef<S>& dy, MatRef<S> dx, bool accumulate) {
  const long n = dy.rows(), in = dx.cols(), out = dy.cols();
  const CMatMap<S> W(w, out, in);
  parallel_chunks(0, static_cast<std::size_t>(n), kGrainRows, [&](std::size_t lo, std::size_t hi) {
    const auto rows = static_cast<long>(hi - lo), r0 = static_cast<long>(lo);
    gemm(Op::none, Op::none, dy.middleRows(r0, rows), W, accumulate, dx.middleRows(r0, rows));
  });
}

template <class S>
void linear_backward_params(const CMatRef<S>& x, const CMatRef<S>& dy, S* dw, S* db) {
  const long n = x.rows(), in = x.cols(), out = dy.cols();
  MatMap<S> dW(dw, out, in);
  parallel_chunks(0, static_cast<std::size_t>(out), weight_grain(out), [&](std::size_t lo, std::size_t hi) {
    const auto rows = static_cast<long>(hi - lo);
    gemm(Op::transpose, Op::none, dy.middleCols(static_cast<long>(lo), rows), x, /*accumulate=*/true,
         dW.middleRows(static_cast<long>(lo), rows));
    if (db) {  // rows summed in order by an explicit loop: no dependence on Eigen's reduction strategy
      VecMap<S> dB(db, out);
      for (long t = 0; t < n; ++t) dB.segment(static_cast<long>(lo), rows) += dy.row(t).segment(static_cast<long>(lo), rows);
    }
  });
}

template <class S>
void linear_backward(const CMatRef<S>& x, const S* w, const CMatRef<S>& dy, MatRef<S> dx, S* dw, S* db) {
  linear_backward_input<S>(w, dy, dx);
  linear_backward_params<S>(x, dy, dw, db);
}

template void linear_forward<float>(const CMatRef<float>&, const float*, const float*, int, MatRef<float>);
template void linear_forward<double>(const CMatRef<double>&, const double*, const double*, int, MatRef<double>);
template void linear_backward<float>(const CMatRef<float>&, const float*, const CMatRef<float>&, MatRef<float>, float*, float*);
template void linear_backward<double>(const CMatRef<double>&, const double*, const CMatRef<double>&, MatRef<double>, double*, double*);
template void linear_backward_input<float>(const float*, const CMatRef<float>&, MatRef<float>, bool);
template void linear_backward_input<double>(const double*, const CMatRef<double>&, MatRef<double>, bool);
template void linear_backward_params<float>(const CMatRef<float>&, const CMatRef<float>&, float*, float*);
template void linear_backward_params<double>(const CMatRef<double>&, const CMatRef<double>&, double*, double*);

}  // namespace saturn
