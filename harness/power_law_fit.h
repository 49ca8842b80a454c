// Fitting norm(t) = a * t^gamma (Merrill et al. 2021 report growth ~ sqrt(t) for T5) by least
// squares on log-log axes, with a confidence interval for gamma from the t distribution of the
// slope's standard error.
#pragma once

#include <vector>

namespace saturn {

struct PowerLawFit {
  double a = 0, gamma = 0;
  double gamma_low = 0, gamma_high = 0;  // confidence interval for gamma
  double r2 = 0;                         // on log-log axes
  int points = 0;
};

// Fits over the points with t > 0 and y > 0 (at least 3). confidence in (0, 1), e.g. 0.95.
// Throws saturn::Error when fewer than 3 usable points remain.
PowerLawFit fit_power_law(const std::vector<double>& t, const std::vector<double>& y, double confidence = 0.95);

// Two-sided Student-t quantile: P(|T| <= q) = confidence for `dof` degrees of freedom.
double student_t_quantile(double confidence, int dof);

}  // namespace saturn
