#include "transformer/layers/linear.h"

#include "core/parallel.h"

namespace saturn {

namespace {
constexpr std::size_t kGrainRows = 64;        // activation rows per task
constexpr std::size_t kGrainWeightRows = 16;  // weight-gradient rows per task
}  // namespace

template <class S>
void linear_forward(const CMatRef<S>& x, const S* w, const S* b, int out, MatRef<S> y) {
  const long n = x.rows(), in = x.cols();
  const CMatMap<S> W(w, out, in);
  parallel_chunks(0, static_cast<std::size_t>(n), kGrainRows, [&](std::size_t lo, std::size_t hi) {
    const auto rows = static_cast<long>(hi - lo);
    auto yb = y.middleRows(static_cast<long>(lo), rows);
    yb.noalias() = x.middleRows(static_cast<long>(lo), rows) * W.transpose();
    if (b) yb.rowwise() += CVecMap<S>(b, out);
  });
}

template <class S>
void linear_backward(const CMatRef<S>& x, const S* w, const CMatRef<S>& dy, MatRef<S> dx, S* dw, S* db) {
  const long n = x.rows(), in = x.cols(), out = dy.cols();
  const CMatMap<S> W(w, out, in);
  parallel_chunks(0, static_cast<std::size_t>(n), kGrainRows, [&](std::size_t lo, std::size_t hi) {
    const auto rows = static_cast<long>(hi - lo);
    dx.middleRows(static_cast<long>(lo), rows).noalias() += dy.middleRows(static_cast<long>(lo), rows) * W;
  });
  MatMap<S> dW(dw, out, in);
  parallel_chunks(0, static_cast<std::size_t>(out), kGrainWeightRows, [&](std::size_t lo, std::size_t hi) {
    const auto rows = static_cast<long>(hi - lo);
    dW.middleRows(static_cast<long>(lo), rows).noalias() += dy.middleCols(static_cast<long>(lo), rows).transpose() * x;
    if (db) {  // rows summed in order by an explicit loop: no dependence on Eigen's reduction strategy
      VecMap<S> dB(db, out);
      for (long t = 0; t < n; ++t) dB.segment(static_cast<long>(lo), rows) += dy.row(t).segment(static_cast<long>(lo), rows);
    }
  });
}

template void linear_forward<float>(const CMatRef<float>&, const float*, const float*, int, MatRef<float>);
template void linear_forward<double>(const CMatRef<double>&, const double*, const double*, int, MatRef<double>);
template void linear_backward<float>(const CMatRef<float>&, const float*, const CMatRef<float>&, MatRef<float>, float*, float*);
template void linear_backward<double>(const CMatRef<double>&, const double*, const CMatRef<double>&, MatRef<double>, double*, double*);

}  // namespace saturn
