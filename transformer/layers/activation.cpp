#include "transformer/layers/activation.h"

#include <cmath>
#include <numbers>

namespace saturn {

template <class S>
void activation_forward(Activation kind, const CMatRef<S>& x, MatRef<S> y) {
  if (kind == Activation::relu) {
    y = x.cwiseMax(S(0));
    return;
  }
  const S inv_sqrt2 = S(1) / std::sqrt(S(2));
  y = x.unaryExpr([inv_sqrt2](S v) { return S(0.5) * v * (S(1) + std::erf(v * inv_sqrt2)); });
}

template <class S>
void activation_backward(Activation kind, const CMatRef<S>& x, const CMatRef<S>& dy, MatRef<S> dx) {
  if (kind == Activation::relu) {
    dx.array() += (x.array() > S(0)).template cast<S>() * dy.array();
    return;
  }
  const S inv_sqrt2 = S(1) / std::sqrt(S(2)), inv_sqrt2pi = S(1) / std::sqrt(S(2) * std::numbers::pi_v<S>);
  dx.array() += dy.array() * x.array().unaryExpr([=](S v) {
    return S(0.5) * (S(1) + std::erf(v * inv_sqrt2)) + v * std::exp(S(-0.5) * v * v) * inv_sqrt2pi;
  });
}

template void activation_forward<float>(Activation, const CMatRef<float>&, MatRef<float>);
template void activation_forward<double>(Activation, const CMatRef<double>&, MatRef<double>);
template void activation_backward<float>(Activation, const CMatRef<float>&, const CMatRef<float>&, MatRef<float>);
template void activation_backward<double>(Activation, const CMatRef<double>&, const CMatRef<double>&, MatRef<double>);

}  // namespace saturn
