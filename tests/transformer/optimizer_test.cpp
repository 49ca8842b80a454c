// Optimizers reproduce PyTorch 1.13 (torch.optim) on a 3-parameter problem, three steps with
// fixed gradients; the expected values were printed by /usr/bin/python3 with torch in float64.
#include "transformer/optimizer.h"

#include <gtest/gtest.h>

#include "transformer/schedule.h"

namespace saturn {
namespace {

std::vector<double> run(OptimizerOptions o) {
  TensorTable t;
  t.add("p", {3}, ParamGroup::attention);
  Optimizer<double> opt(o, t);
  std::vector<double> p{0.5, -1.0, 2.0};
  const std::vector<std::vector<double>> grads{{0.1, -0.2, 0.3}, {0.05, 0.4, -0.1}, {-0.3, 0.1, 0.2}};
  for (auto g : grads) opt.step(p.data(), g.data(), 1.0);
  return p;
}

void expect_near(const std::vector<double>& got, const std::vector<double>& want) {
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-12) << i;
}

TEST(Optimizer, SgdMomentumWeightDecayMatchesPyTorch) {
  OptimizerOptions o;
  o.kind = OptimizerKind::sgd;
  o.lr = 0.1;
  o.momentum = 0.9;
  o.weight_decay = 0.01;
  expect_near(run(o), {0.4906403895, -1.026230779, 1.9065935680000001});
  o.weight_decay = 0;
  o.nesterov = true;
  expect_near(run(o), {0.50906, -1.0586200000000001, 1.8859299999999999});
}

TEST(Optimizer, AdamMatchesPyTorch) {
  OptimizerOptions o;
  o.kind = OptimizerKind::adam;
  o.lr = 0.01;
  o.weight_decay = 0.1;
  expect_near(run(o), {0.4811621485709144, -0.9909768837892015, 1.9731630751713196});
}

TEST(Optimizer, AdamWMatchesPyTorch) {
  OptimizerOptions o;
  o.kind = OptimizerKind::adamw;
  o.lr = 0.01;
  o.beta2 = 0.98;
  o.weight_decay = 1.0;
  expect_near(run(o), {0.4695396392725105, -0.9682744412241127, 1.9207680316209899});
}

TEST(Optimizer, GroupRatesAndClipping) {
  TensorTable t;
  t.add("a", {1}, ParamGroup::attention);
  t.add("h", {1}, ParamGroup::head);
  OptimizerOptions o;
  o.kind = OptimizerKind::sgd;
  o.lr = 1.0;
  o.groups[static_cast<std::size_t>(ParamGroup::head)].lr_scale = 10.0;
  o.clip_norm = 0.5;
  Optimizer<double> opt(o, t);
  std::vector<double> p{0, 0}, g{3, 4};  // norm 5 -> clipped to 0.5
  EXPECT_NEAR(opt.step(p.data(), g.data(), 1.0), 5.0, 1e-12);
  EXPECT_NEAR(p[0], -0.3, 1e-6);
  EXPECT_NEAR(p[1], -4.0, 1e-5);
}

TEST(Schedule, Shapes) {
  Schedule s;
  s.kind = Schedule::Kind::cosine;
  s.warmup = 10;
  s.total = 110;
  EXPECT_NEAR(s.factor(0), 0.1, 1e-12);
  EXPECT_NEAR(s.factor(9), 1.0, 1e-12);
  EXPECT_NEAR(s.factor(59), 0.5, 1e-12);
  EXPECT_NEAR(s.factor(109), 0.0, 1e-12);
  s.kind = Schedule::Kind::linear;
  EXPECT_NEAR(s.factor(59), 0.5, 1e-12);
  s.kind = Schedule::Kind::inverse_sqrt;
  EXPECT_NEAR(s.factor(39), 0.5, 1e-12);
  s.kind = Schedule::Kind::constant;
  EXPECT_NEAR(s.factor(1000), 1.0, 1e-12);
}

}  // namespace
}  // namespace saturn
