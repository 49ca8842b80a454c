#include "transformer/layers/activation.h"

#include <cmath>
#include <numbers>

#include "core/parallel.h"

namespace saturn {

namespace {
constexpr std::size_t kGrainRows = 32;  // elementwise: any split gives identical results

template <class Body>
void over_rows(long n, Body body) {
  parallel_chunks(0, static_cast<std::size_t>(n), kGrainRows,
                  [&](std::size_t lo, std::size_t hi) { body(static_cast<long>(lo), static_cast<long>(hi - lo)); });
}
}  // namespace

template <class S>
void activation_forward(Activation kind, const CMatRef<S>& x, MatRef<S> y) {
  const S inv_sqrt2 = S(1) / std::sqrt(S(2));
  over_rows(x.rows(), [&](long r0, long rows) {
    if (kind == Activation::relu)
      y.middleRows(r0, rows) = x.middleRows(r0, rows).cwiseMax(S(0));
    else
      y.middleRows(r0, rows) =
          x.middleRows(r0, rows).unaryExpr([inv_sqrt2](S v) { return S(0.5) * v * (S(1) + std::erf(v * inv_sqrt2)); });
  });
}

template <class S>
void activation_backward(Activation kind, const CMatRef<S>& x, const CMatRef<S>& dy, MatRef<S> dx) {
  const S inv_sqrt2 = S(1) / std::sqrt(S(2)), inv_sqrt2pi = S(1) / std::sqrt(S(2) * std::numbers::pi_v<S>);
  over_rows(x.rows(), [&](long r0, long rows) {
    const auto xb = x.middleRows(r0, rows).array();
    const auto dyb = dy.middleRows(r0, rows).array();
    if (kind == Activation::relu)
      dx.middleRows(r0, rows).array() += (xb > S(0)).template cast<S>() * dyb;
    else
      dx.middleRows(r0, rows).array() += dyb * xb.unaryExpr([=](S v) {
        return S(0.5) * (S(1) + std::erf(v * inv_sqrt2)) + v * std::exp(S(-0.5) * v * v) * inv_sqrt2pi;
      });
  });
}

template void activation_forward<float>(Activation, const CMatRef<float>&, MatRef<float>);
template void activation_forward<double>(Activation, const CMatRef<double>&, MatRef<double>);
template void activation_backward<float>(Activation, const CMatRef<float>&, const CMatRef<float>&, MatRef<float>);
template void activation_backward<double>(Activation, const CMatRef<double>&, const CMatRef<double>&, MatRef<double>);

}  // namespace saturn
