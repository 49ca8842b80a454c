// Optimizers reproduce PyTorch 1.13 (torch.optim) on a 3-parameter problem, three steps with
// fixed gradients; the expected values were printed by /usr/bin/python3 with torch in float64.
#include "transformer/optimizer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

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

// Two tensors in two groups (head: half the rate, no decay), clipping at 0.3 and schedule
// factors 0.5, 1, 1, 0.25 -- PyTorch values from this script (float64):
//   a = Parameter([0.5, -1, 2]); h = Parameter([[0.3, 0.7]])
//   groups [{params: [a], lr: 0.02, weight_decay: 0.1}, {params: [h], lr: 0.01, weight_decay: 0}]
//   each step t: g["lr"] = base_lr * factor[t]; set grads; clip_grad_norm_([a, h], 0.3); step()
//   AdamW(betas=(0.9, 0.95), eps=1e-6); SGD(momentum=0.8, nesterov=True)
std::vector<double> run_groups(OptimizerKind kind, std::vector<double>& norms) {
  TensorTable t;
  t.add("a", {3}, ParamGroup::attention);
  t.add("h", {1, 2}, ParamGroup::head);
  OptimizerOptions o;
  o.kind = kind;
  o.lr = 0.02;
  o.weight_decay = 0.1;
  o.beta2 = 0.95;
  o.eps = 1e-6;
  o.momentum = 0.8;
  o.nesterov = true;
  o.clip_norm = 0.3;
  o.groups[static_cast<std::size_t>(ParamGroup::head)] = {0.5, 0.0};
  Optimizer<double> opt(o, t);
  std::vector<double> p{0.5, -1.0, 2.0, 0.3, 0.7};
  const std::vector<std::vector<double>> grads{
      {0.1, -0.2, 0.3, 0.2, -0.1}, {0.05, 0.4, -0.1, 0.0, 0.3}, {-0.3, 0.1, 0.2, -0.4, 0.05}, {1.0, -2.0, 0.5, 0.9, 0.9}};
  const double factors[] = {0.5, 1.0, 1.0, 0.25};
  for (std::size_t k = 0; k < grads.size(); ++k) {
    auto g = grads[k];
    norms.push_back(opt.step(p.data(), g.data(), factors[k]));
  }
  return p;
}

TEST(Optimizer, GroupsScheduleAndClippingMatchPyTorch) {
  const std::vector<double> torch_norms{0.4358898943540674, 0.51234753829798, 0.55, 2.6210684844162313};
  std::vector<double> norms;
  expect_near(run_groups(OptimizerKind::adamw, norms),
              {0.4741652291816456, -0.9969539804367001, 1.9550233309394434, 0.2907910232663345, 0.694716008956814});
  expect_near(norms, torch_norms);
  norms.clear();
  expect_near(run_groups(OptimizerKind::sgd, norms),
              {0.4938234906368456, -0.9919474270333266, 1.960927439352805, 0.30084729188589254, 0.6959736689578594});
}

TEST(Optimizer, NonFiniteGradientChangesNothing) {
  TensorTable t;
  t.add("p", {2}, ParamGroup::attention);
  OptimizerOptions o;
  Optimizer<float> opt(o, t);
  std::vector<float> p{1, 2}, g{0.5f, std::numeric_limits<float>::infinity()};
  EXPECT_FALSE(std::isfinite(opt.step(p.data(), g.data(), 1.0)));
  EXPECT_EQ(p, (std::vector<float>{1, 2}));
  EXPECT_EQ(opt.steps(), 0);
  EXPECT_EQ(opt.m(), (std::vector<float>{0, 0}));
}

}  // namespace
}  // namespace saturn
