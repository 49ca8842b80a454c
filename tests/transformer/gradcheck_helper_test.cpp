// The shared gradient check (tests/support/gradcheck.h) itself: it passes right gradients, fails
// wrong ones, restores the inputs, and its vacuity guard fires on checks that compare nothing.
#include "tests/support/gradcheck.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace saturn {
namespace {

using testing::check_gradients;
using testing::GradCheckOptions;
using testing::GradInput;

// loss(x, y) = sum_j sin(x_j) * y_j + y_0^2, gradients cos(x_j) y_j and sin(y_j) (+ 2 y_0).
struct Problem {
  std::vector<double> x{0.3, -1.2, 2.0, 0.7}, y{1.5, -0.4, 0.9, 2.2};
  std::vector<double> dx, dy;
  Problem() {
    for (std::size_t j = 0; j < x.size(); ++j) dx.push_back(std::cos(x[j]) * y[j]), dy.push_back(std::sin(x[j]));
    dy[0] += 2 * y[0];
  }
  double loss() const {
    double s = y[0] * y[0];
    for (std::size_t j = 0; j < x.size(); ++j) s += std::sin(x[j]) * y[j];
    return s;
  }
  std::vector<GradInput> inputs() { return {{"x", x.data(), x.size(), dx.data()}, {"y", y.data(), y.size(), dy.data()}}; }
};

TEST(GradCheckHelper, RightGradientsPassAndTheInputsAreRestored) {
  Problem p;
  const auto x = p.x, y = p.y;
  const auto r = check_gradients([&] { return p.loss(); }, p.inputs());
  EXPECT_TRUE(r.ok) << r.message;
  EXPECT_FALSE(r.vacuous);
  EXPECT_EQ(r.checked, 8u);
  ASSERT_EQ(r.inputs.size(), 2u);
  for (const auto& in : r.inputs) EXPECT_LT(in.rel_error, 1e-8) << in.name;
  EXPECT_EQ(p.x, x);  // bitwise: old values are put back, not recomputed
  EXPECT_EQ(p.y, y);
}

TEST(GradCheckHelper, AWrongEntryFailsNamingItsInput) {
  Problem p;
  p.dy[2] += 1e-3;  // one entry off by 1e-3 of a gradient of order one
  const auto r = check_gradients([&] { return p.loss(); }, p.inputs());
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.vacuous);
  EXPECT_TRUE(r.inputs[0].passed);
  EXPECT_FALSE(r.inputs[1].passed);
  EXPECT_NE(r.message.find("y: relative error"), std::string::npos) << r.message;
  EXPECT_EQ(r.message.find("x:"), std::string::npos) << r.message;
}

TEST(GradCheckHelper, ABackwardThatWritesNothingFails) {
  Problem p;
  std::fill(p.dx.begin(), p.dx.end(), 0.0);
  const auto r = check_gradients([&] { return p.loss(); }, p.inputs());
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.inputs[0].passed);
  EXPECT_NEAR(r.inputs[0].rel_error, 1.0, 1e-6);  // all of fd, none of the analytic side
}

TEST(GradCheckHelper, ANonFiniteGradientFails) {
  Problem p;
  p.dx[1] = std::numeric_limits<double>::quiet_NaN();
  const auto r = check_gradients([&] { return p.loss(); }, p.inputs());
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.inputs[0].passed);
}

// The guard: a loss that does not depend on its inputs, with a zero analytic gradient, agrees
// perfectly -- and proves nothing. It is reported as vacuous and fails.
TEST(GradCheckHelper, AllZeroGradientsAreReportedAsVacuous) {
  std::vector<double> w{1.0, 2.0, 3.0}, zero(3, 0.0);
  const auto r = check_gradients([] { return 0.5; }, {{"w", w.data(), w.size(), zero.data()}});
  EXPECT_TRUE(r.vacuous);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.inputs[0].passed);  // the comparison itself agrees
  EXPECT_NE(r.message.find("vacuous"), std::string::npos) << r.message;
  // Derivatives below the round-off floor count as zero too.
  const auto tiny = check_gradients([&] { return 1e-12 * w[0]; }, {{"w", w.data(), w.size(), zero.data()}});
  EXPECT_TRUE(tiny.vacuous) << tiny.message;
  EXPECT_FALSE(tiny.ok);
}

TEST(GradCheckHelper, TooFewCheckedEntriesAreVacuous) {
  Problem p;
  const auto none = check_gradients([&] { return p.loss(); }, {});
  EXPECT_TRUE(none.vacuous);
  EXPECT_FALSE(none.ok);
  const auto empty = check_gradients([&] { return p.loss(); }, {{"x", p.x.data(), 0, p.dx.data()}});
  EXPECT_TRUE(empty.vacuous);
  GradCheckOptions o;
  o.min_checked = 9;  // the problem has 8 entries
  const auto few = check_gradients([&] { return p.loss(); }, p.inputs(), o);
  EXPECT_TRUE(few.vacuous);
  EXPECT_FALSE(few.ok);
  EXPECT_NE(few.message.find("only 8 entries compared, at least 9 needed"), std::string::npos) << few.message;
  o.min_checked = 8;
  EXPECT_TRUE(check_gradients([&] { return p.loss(); }, p.inputs(), o).ok);
}

// One input that the loss ignores: fine for the whole check (a key bias, positions a readout never
// sees), vacuous when every input must be exercised.
TEST(GradCheckHelper, EveryInputNonzeroFlagsAnIgnoredInput) {
  Problem p;
  std::vector<double> unused{4.0, 5.0}, zero(2, 0.0);
  auto inputs = p.inputs();
  inputs.push_back({"unused", unused.data(), unused.size(), zero.data()});
  const auto whole = check_gradients([&] { return p.loss(); }, inputs);
  EXPECT_TRUE(whole.ok) << whole.message;
  GradCheckOptions o;
  o.every_input_nonzero = true;
  const auto each = check_gradients([&] { return p.loss(); }, inputs, o);
  EXPECT_TRUE(each.vacuous);
  EXPECT_FALSE(each.ok);
  EXPECT_NE(each.message.find("unused: every derivative is within the round-off floor"), std::string::npos)
      << each.message;
}

// A derivative that is exactly zero in exact arithmetic but rounding noise on the analytic side:
// relative error about 1, within the round-off floor, so it passes.
TEST(GradCheckHelper, RoundingNoiseOnAZeroDerivativePassesThroughTheFloor) {
  Problem p;
  std::vector<double> shift{0.25}, noise{1e-13};
  auto inputs = p.inputs();
  inputs.push_back({"shift", shift.data(), 1, noise.data()});
  const auto r = check_gradients([&] { return p.loss(); }, inputs);
  EXPECT_TRUE(r.ok) << r.message;
  EXPECT_GT(r.inputs[2].rel_error, 0.5);
  EXPECT_LE(r.inputs[2].worst, r.floor);
}

}  // namespace
}  // namespace saturn
