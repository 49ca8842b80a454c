#include "transformer/layers/layernorm.h"

#include <cmath>

#include "core/parallel.h"

namespace saturn {

namespace {
constexpr std::size_t kGrainRows = 64;
}

template <class S>
void layernorm_forward(const CMatRef<S>& x, const S* w, const S* b, S eps, MatRef<S> y, VecRef<S> mean, VecRef<S> rstd) {
  const long n = x.rows(), d = x.cols();
  const CVecMap<S> W(w, d), Bv(b, d);
  parallel_chunks(0, static_cast<std::size_t>(n), kGrainRows, [&](std::size_t lo, std::size_t hi) {
    for (auto t = static_cast<long>(lo); t < static_cast<long>(hi); ++t) {
      const S m = x.row(t).sum() / static_cast<S>(d);
      const S var = (x.row(t).array() - m).square().sum() / static_cast<S>(d);
      const S denom = std::sqrt(var + eps);
      const S r = denom > 0 ? S(1) / denom : S(0);
      mean[t] = m;
      rstd[t] = r;
      y.row(t) = ((x.row(t).array() - m) * r * W.array() + Bv.array()).matrix();
    }
  });
}

template <class S>
void layernorm_backward(const CMatRef<S>& x, const S* w, const CVecRef<S>& mean, const CVecRef<S>& rstd, const CMatRef<S>& dy,
                        MatRef<S> dx, S* dw, S* db) {
  const long n = x.rows(), d = x.cols();
  const CVecMap<S> W(w, d);
  // dx: rows are independent.
  parallel_chunks(0, static_cast<std::size_t>(n), kGrainRows, [&](std::size_t lo, std::size_t hi) {
    for (auto t = static_cast<long>(lo); t < static_cast<long>(hi); ++t) {
      const auto xhat = ((x.row(t).array() - mean[t]) * rstd[t]).eval();
      const auto g = (dy.row(t).array() * W.array()).eval();  // d(loss)/d(xhat)
      const S g_mean = g.mean(), gx_mean = (g * xhat).mean();
      dx.row(t).array() += rstd[t] * (g - g_mean - xhat * gx_mean);
    }
  });
  // dw, db: sums over rows, in row order (one pass, single thread: O(N d), cheap).
  VecMap<S> dW(dw, d), dB(db, d);
  for (long t = 0; t < n; ++t) {
    dW.array() += dy.row(t).array() * (x.row(t).array() - mean[t]) * rstd[t];
    dB += dy.row(t);
  }
}

template void layernorm_forward<float>(const CMatRef<float>&, const float*, const float*, float, MatRef<float>, VecRef<float>, VecRef<float>);
template void layernorm_forward<double>(const CMatRef<double>&, const double*, const double*, double, MatRef<double>, VecRef<double>,
                                        VecRef<double>);
template void layernorm_backward<float>(const CMatRef<float>&, const float*, const CVecRef<float>&, const CVecRef<float>&, const CMatRef<float>&,
                                        MatRef<float>, float*, float*);
template void layernorm_backward<double>(const CMatRef<double>&, const double*, const CVecRef<double>&, const CVecRef<double>&,
                                         const CMatRef<double>&, MatRef<double>, double*, double*);

}  // namespace saturn
