#include "harness/power_law_fit.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "core/rng.h"

namespace saturn {
namespace {

TEST(PowerLawFit, RecoversAnExactPowerLaw) {
  std::vector<double> t, y;
  for (int i = 1; i <= 50; ++i) t.push_back(i * 10.0), y.push_back(3.0 * std::pow(i * 10.0, 0.5));
  const auto f = fit_power_law(t, y);
  EXPECT_NEAR(f.gamma, 0.5, 1e-12);
  EXPECT_NEAR(f.a, 3.0, 1e-9);
  EXPECT_NEAR(f.r2, 1.0, 1e-12);
  EXPECT_NEAR(f.gamma_low, 0.5, 1e-9);
}

TEST(PowerLawFit, ConfidenceIntervalCoversTheTruthUnderNoise) {
  int covered = 0;
  for (int rep = 0; rep < 200; ++rep) {
    Rng rng(rep);
    std::vector<double> t, y;
    for (int i = 1; i <= 30; ++i) t.push_back(i), y.push_back(2.0 * std::pow(i, 0.7) * std::exp(0.05 * rng.normal()));
    const auto f = fit_power_law(t, y, 0.95);
    covered += f.gamma_low <= 0.7 && 0.7 <= f.gamma_high;
  }
  EXPECT_GT(covered, 175);  // ~190 expected
  EXPECT_LT(covered, 200);
}

TEST(PowerLawFit, StudentQuantileKnownValues) {
  EXPECT_NEAR(student_t_quantile(0.95, 10), 2.228, 1e-3);
  EXPECT_NEAR(student_t_quantile(0.95, 1000), 1.962, 1e-3);
}

TEST(PowerLawFit, TooFewPointsIsAnError) {
  EXPECT_THROW(fit_power_law({1, 2}, {1, 2}), Error);
  EXPECT_THROW(fit_power_law({0, -1, 2}, {1, 2, 3}), Error);
}

}  // namespace
}  // namespace saturn
