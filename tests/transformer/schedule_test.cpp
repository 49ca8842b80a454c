// Learning-rate schedules: warm-up, cosine and linear decay to a floor, inverse square root.
#include "transformer/schedule.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"

namespace saturn {
namespace {

TEST(Schedule, ConstantWithAndWithoutWarmup) {
  Schedule s;
  EXPECT_EQ(s.factor(0), 1.0);
  EXPECT_EQ(s.factor(123456), 1.0);
  s.warmup = 4;
  EXPECT_DOUBLE_EQ(s.factor(0), 0.25);  // the first step already uses 1/warmup, never 0
  EXPECT_DOUBLE_EQ(s.factor(2), 0.75);
  EXPECT_DOUBLE_EQ(s.factor(3), 1.0);
  EXPECT_DOUBLE_EQ(s.factor(4), 1.0);
}

TEST(Schedule, CosineAndLinearDecay) {
  Schedule s;
  s.kind = Schedule::Kind::cosine;
  s.warmup = 10;
  s.total = 110;
  EXPECT_NEAR(s.factor(0), 0.1, 1e-15);
  EXPECT_NEAR(s.factor(9), 1.0, 1e-15);
  EXPECT_NEAR(s.factor(34), 0.5 * (1 + std::cos(M_PI * 0.25)), 1e-15);
  EXPECT_NEAR(s.factor(59), 0.5, 1e-15);
  EXPECT_NEAR(s.factor(109), 0.0, 1e-15);
  EXPECT_NEAR(s.factor(500), 0.0, 1e-15);  // stays at the floor after `total`
  s.min_factor = 0.1;
  EXPECT_NEAR(s.factor(59), 0.55, 1e-15);
  EXPECT_NEAR(s.factor(109), 0.1, 1e-15);
  s.kind = Schedule::Kind::linear;
  s.min_factor = 0;
  EXPECT_NEAR(s.factor(34), 0.75, 1e-15);
  EXPECT_NEAR(s.factor(59), 0.5, 1e-15);
  EXPECT_NEAR(s.factor(109), 0.0, 1e-15);
  // Monotone after warm-up.
  s.kind = Schedule::Kind::cosine;
  for (long t = 10; t < 120; ++t) EXPECT_LE(s.factor(t), s.factor(t - 1)) << t;
}

TEST(Schedule, InverseSquareRoot) {
  Schedule s;
  s.kind = Schedule::Kind::inverse_sqrt;
  s.warmup = 10;
  EXPECT_NEAR(s.factor(4), 0.5, 1e-15);   // warm-up
  EXPECT_NEAR(s.factor(9), 1.0, 1e-15);   // continuous at the end of warm-up
  EXPECT_NEAR(s.factor(39), 0.5, 1e-15);  // sqrt(10 / 40)
  s.warmup = 0;
  EXPECT_NEAR(s.factor(0), 1.0, 1e-15);
  EXPECT_NEAR(s.factor(3), 0.5, 1e-15);
}

TEST(Schedule, ParsesNamesAndRefusesOthers) {
  EXPECT_EQ(Schedule::parse("constant"), Schedule::Kind::constant);
  EXPECT_EQ(Schedule::parse("cosine"), Schedule::Kind::cosine);
  EXPECT_EQ(Schedule::parse("linear"), Schedule::Kind::linear);
  EXPECT_EQ(Schedule::parse("inverse_sqrt"), Schedule::Kind::inverse_sqrt);
  EXPECT_THROW(Schedule::parse("step"), Error);
}

}  // namespace
}  // namespace saturn
