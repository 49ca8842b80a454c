#include "transformer/layers/activation.h"

#include <cmath>
#include <numbers>
#include <type_traits>

#include "core/parallel.h"

namespace saturn {

namespace {
constexpr std::size_t kGrainRows = 32;  // elementwise: any split gives identical results

template <class Body>
void over_rows(long n, Body body) {
  parallel_chunks(0, static_cast<std::size_t>(n), kGrainRows,
                  [&](std::size_t lo, std::size_t hi) { body(static_cast<long>(lo), static_cast<long>(hi - lo)); });
}

// ---- float GELU on SIMD packets -------------------------------------------------------------
// Phi(x) = 0.5 erfc(-x / sqrt 2) from the Chebyshev-fitted form of Numerical Recipes (erfcc,
// fractional error < 1.2e-7 for every argument):
//   erfc(z) = t exp(-z^2 + P(t)),  t = 1 / (1 + z / 2),  z >= 0,
// with x^2 split exactly into hi + lo by an FMA and exp(-x^2/2) = exp(-hi/2) exp(-lo/2), so the
// large exponent carries no rounding error. Relative error of x Phi(x) over [-6, 6] <= 9 units of
// float rounding (the scalar 0.5 (1 + erff(x / sqrt 2)) it replaces: ~200 at x = -3, from
// cancellation), also in the negative tail. Every element runs through the same packet code (the
// tail of a row through a padded copy), so results do not depend on alignment or position.
using Packet = Eigen::internal::packet_traits<float>::type;
constexpr long kLanes = Eigen::internal::packet_traits<float>::size;

// Phi(x) and phi(x) = exp(-x^2 / 2) / sqrt(2 pi) of one packet.
inline void normal_cdf_pdf(const Packet& x_in, Packet& cdf, Packet& pdf) {
  using namespace Eigen::internal;
  // Beyond |x| = 16 both are 0 or 1 in float; clamping keeps x^2 finite (GELU(inf) = inf).
  const Packet x = pmin(pmax(x_in, pset1<Packet>(-16.f)), pset1<Packet>(16.f));
  const Packet hi = pmul(x, x);
  const Packet lo = pmadd(x, x, pnegate(hi));  // x^2 - hi, exact with a fused multiply-add
  const Packet t = pdiv(pset1<Packet>(1.f), pmadd(pabs(x), pset1<Packet>(0.35355339059327373f), pset1<Packet>(1.f)));
  Packet p = pset1<Packet>(0.17087277f);
  p = pmadd(p, t, pset1<Packet>(-0.82215223f));
  p = pmadd(p, t, pset1<Packet>(1.48851587f));
  p = pmadd(p, t, pset1<Packet>(-1.13520398f));
  p = pmadd(p, t, pset1<Packet>(0.27886807f));
  p = pmadd(p, t, pset1<Packet>(-0.18628806f));
  p = pmadd(p, t, pset1<Packet>(0.09678418f));
  p = pmadd(p, t, pset1<Packet>(0.37409196f));
  p = pmadd(p, t, pset1<Packet>(1.00002368f));
  p = pmadd(p, t, pset1<Packet>(-1.26551223f));
  const Packet half_lo = pmul(pset1<Packet>(0.5f), lo);
  const Packet e_hi = pexp(pmul(pset1<Packet>(-0.5f), hi));  // exp(-hi / 2)
  const Packet half_erfc = pmul(pmul(pset1<Packet>(0.5f), t), pmul(e_hi, pexp(psub(p, half_lo))));
  cdf = pselect(pcmp_lt(x, pzero(x)), half_erfc, psub(pset1<Packet>(1.f), half_erfc));
  // exp(-lo / 2) = 1 - lo / 2 to float precision (|lo| <= x^2 2^-24).
  pdf = pmul(pmul(e_hi, pset1<Packet>(0.3989422804014327f)), psub(pset1<Packet>(1.f), half_lo));
}

// Applies op(x packet, extra packet) -> packet to n floats: out[j] = op(x[j], e[j]).
template <class Op>
void packet_map(const float* x, const float* e, float* out, long n, Op op) {
  using namespace Eigen::internal;
  long j = 0;
  for (; j + kLanes <= n; j += kLanes) pstoreu(out + j, op(ploadu<Packet>(x + j), ploadu<Packet>(e + j)));
  if (j < n) {
    alignas(64) float xt[kLanes] = {}, et[kLanes] = {}, ot[kLanes];
    for (long i = j; i < n; ++i) xt[i - j] = x[i], et[i - j] = e[i];
    pstore(ot, op(pload<Packet>(xt), pload<Packet>(et)));
    for (long i = j; i < n; ++i) out[i] = ot[i - j];
  }
}

void gelu_forward_rows(const CMatRef<float>& x, MatRef<float> y, long r0, long rows) {
  using namespace Eigen::internal;
  for (long r = r0; r < r0 + rows; ++r)
    packet_map(x.row(r).data(), x.row(r).data(), y.row(r).data(), x.cols(), [](const Packet& v, const Packet&) {
      Packet cdf, pdf;
      normal_cdf_pdf(v, cdf, pdf);
      return pmul(v, cdf);
    });
}

// dx = dy * GELU'(x) (accumulate: dx += ...), GELU'(x) = Phi(x) + x phi(x).
void gelu_backward_rows(const CMatRef<float>& x, const CMatRef<float>& dy, MatRef<float> dx, bool accumulate, long r0,
                        long rows) {
  using namespace Eigen::internal;
  for (long r = r0; r < r0 + rows; ++r) {
    float* out = dx.row(r).data();
    const float* xr = x.row(r).data();
    const float* dyr = dy.row(r).data();
    if (accumulate) {
      alignas(64) float buf[256];
      for (long c0 = 0; c0 < x.cols(); c0 += 256) {
        const long n = std::min<long>(256, x.cols() - c0);
        packet_map(xr + c0, dyr + c0, buf, n, [](const Packet& v, const Packet& g) {
          Packet cdf, pdf;
          normal_cdf_pdf(v, cdf, pdf);
          return pmul(g, pmadd(v, pdf, cdf));
        });
        for (long j = 0; j < n; ++j) out[c0 + j] += buf[j];
      }
    } else {
      packet_map(xr, dyr, out, x.cols(), [](const Packet& v, const Packet& g) {
        Packet cdf, pdf;
        normal_cdf_pdf(v, cdf, pdf);
        return pmul(g, pmadd(v, pdf, cdf));
      });
    }
  }
}
}  // namespace

template <class S>
void activation_forward(Activation kind, const CMatRef<S>& x, MatRef<S> y) {
  const S inv_sqrt2 = S(1) / std::sqrt(S(2));
  over_rows(x.rows(), [&](long r0, long rows) {
    if (kind == Activation::relu)
      y.middleRows(r0, rows) = x.middleRows(r0, rows).cwiseMax(S(0));
    else if constexpr (std::is_same_v<S, float>)
      gelu_forward_rows(x, y, r0, rows);
    else
      y.middleRows(r0, rows) =
          x.middleRows(r0, rows).unaryExpr([inv_sqrt2](S v) { return S(0.5) * v * (S(1) + std::erf(v * inv_sqrt2)); });
  });
}

template <class S>
void activation_backward(Activation kind, const CMatRef<S>& x, const CMatRef<S>& dy, MatRef<S> dx, bool accumulate) {
  const S inv_sqrt2 = S(1) / std::sqrt(S(2)), inv_sqrt2pi = S(1) / std::sqrt(S(2) * std::numbers::pi_v<S>);
  over_rows(x.rows(), [&](long r0, long rows) {
    const auto xb = x.middleRows(r0, rows).array();
    const auto dyb = dy.middleRows(r0, rows).array();
    auto dxb = dx.middleRows(r0, rows).array();
    if (kind == Activation::relu) {
      if (accumulate) dxb += (xb > S(0)).template cast<S>() * dyb;
      else dxb = (xb > S(0)).template cast<S>() * dyb;
    } else if constexpr (std::is_same_v<S, float>) {
      gelu_backward_rows(x, dy, dx, accumulate, r0, rows);
    } else {
      const auto grad = dyb * xb.unaryExpr([=](S v) {
        return S(0.5) * (S(1) + std::erf(v * inv_sqrt2)) + v * std::exp(S(-0.5) * v * v) * inv_sqrt2pi;
      });
      if (accumulate) dxb += grad;
      else dxb = grad;
    }
  });
}

template void activation_forward<float>(Activation, const CMatRef<float>&, MatRef<float>);
template void activation_forward<double>(Activation, const CMatRef<double>&, MatRef<double>);
template void activation_backward<float>(Activation, const CMatRef<float>&, const CMatRef<float>&, MatRef<float>, bool);
template void activation_backward<double>(Activation, const CMatRef<double>&, const CMatRef<double>&, MatRef<double>, bool);

}  // namespace saturn
