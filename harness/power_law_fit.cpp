#include "harness/power_law_fit.h"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>

#include "core/error.h"

namespace saturn {

double student_t_quantile(double confidence, int dof) {
  const boost::math::students_t dist(dof);
  return boost::math::quantile(dist, 0.5 + confidence / 2);
}

PowerLawFit fit_power_law(const std::vector<double>& t, const std::vector<double>& y, double confidence) {
  std::vector<double> lx, ly;
  for (std::size_t i = 0; i < t.size() && i < y.size(); ++i)
    if (t[i] > 0 && y[i] > 0) lx.push_back(std::log(t[i])), ly.push_back(std::log(y[i]));
  const auto n = static_cast<double>(lx.size());
  if (lx.size() < 3) throw Error("power-law fit needs at least 3 points with positive t and y");
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < lx.size(); ++i) mx += lx[i], my += ly[i];
  mx /= n, my /= n;
  double sxx = 0, sxy = 0, syy = 0;
  for (std::size_t i = 0; i < lx.size(); ++i) {
    sxx += (lx[i] - mx) * (lx[i] - mx);
    sxy += (lx[i] - mx) * (ly[i] - my);
    syy += (ly[i] - my) * (ly[i] - my);
  }
  if (sxx <= 0) throw Error("power-law fit needs at least two distinct t values");
  PowerLawFit f;
  f.points = static_cast<int>(lx.size());
  f.gamma = sxy / sxx;
  f.a = std::exp(my - f.gamma * mx);
  const double sse = std::max(0.0, syy - f.gamma * sxy);
  f.r2 = syy > 0 ? 1.0 - sse / syy : 1.0;
  const double se = std::sqrt(sse / (n - 2) / sxx);
  const double q = student_t_quantile(confidence, f.points - 2);
  f.gamma_low = f.gamma - q * se;
  f.gamma_high = f.gamma + q * se;
  return f;
}

}  // namespace saturn
