// RMSprop reproduces torch.optim.RMSprop (PyTorch 1.13, momentum 0, centered false) step by step.
// The expected values were printed by /usr/bin/python3 in float64:
//   p = Parameter(tensor(P0)); o = torch.optim.RMSprop([p], lr=LR, alpha=A, eps=E, weight_decay=WD)
//   for g in GRADS: p.grad = tensor(g); o.step()
//   print(p.tolist(), o.state[p]["square_avg"].tolist())
#include <gtest/gtest.h>

#include <vector>

#include "transformer/optimizer.h"

namespace saturn {
namespace {

struct Trajectory {
  std::vector<double> params, square_avg;
};

Trajectory run(const OptimizerOptions& o, std::vector<double> p, const std::vector<std::vector<double>>& grads) {
  TensorTable t;
  t.add("p", {static_cast<long>(p.size())}, ParamGroup::attention);
  Optimizer<double> opt(o, t);
  for (auto g : grads) opt.step(p.data(), g.data(), 1.0);
  return {p, opt.v()};
}

void expect_near(const std::vector<double>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-12) << i;
}

const std::vector<std::vector<double>> kGrads{{0.1, -0.2, 0.3}, {0.05, 0.4, -0.1}, {-0.3, 0.1, 0.2}};

TEST(RMSprop, DefaultsMatchPyTorch) {  // lr 5e-3 (Bhattamishra et al.), alpha 0.99, eps 1e-8
  OptimizerOptions o;
  o.kind = OptimizerKind::rmsprop;
  o.lr = 0.005;
  EXPECT_EQ(o.alpha, 0.99);
  EXPECT_EQ(o.eps, 1e-8);
  const Trajectory r = run(o, {0.5, -1.0, 2.0}, kGrads);
  expect_near(r.params, {0.47445279989140604, -1.0057398369888413, 1.9389745720070293});
  expect_near(r.square_avg, {0.0010227600000000008, 0.0020760400000000025, 0.0013810900000000013});
}

TEST(RMSprop, AlphaEpsAndWeightDecayMatchPyTorch) {  // lr 0.01, alpha 0.9, eps 1e-6, weight_decay 0.1
  OptimizerOptions o;
  o.kind = OptimizerKind::rmsprop;
  o.lr = 0.01;
  o.alpha = 0.9;
  o.eps = 1e-6;
  o.weight_decay = 0.1;
  const Trajectory r = run(o, {0.5, -1.0, 2.0}, kGrads);
  expect_near(r.params, {0.47721581555793147, -0.9915012328690027, 1.9413962763841448});
  expect_near(r.square_avg, {0.009165984988761304, 0.015561734575814076, 0.03679183606911449});
}

TEST(RMSprop, BlockAndTailMatchPyTorch) {  // 20 elements: one block of 16 and a tail of 4; 4 steps
  OptimizerOptions o;
  o.kind = OptimizerKind::rmsprop;
  o.lr = 0.005;
  const std::vector<double> p0{-0.352, -0.698, 0.302, -0.855, 0.072, -0.269, -0.884, 0.015, -0.925, -0.133,
                               -0.86,  -0.819, -0.151, 0.654, -0.752, -0.554, 0.255, 0.895, 0.154,  -0.207};
  const std::vector<std::vector<double>> grads{
      {0.953, -0.907, 0.717, -0.421, -0.711, -0.764, -0.383, 0.632, -0.639, 0.163,
       0.278, -0.255, 0.095, -0.874, -0.881, -0.588, 0.361, -0.145, -0.372, 0.171},
      {-0.094, -0.4, 0.589, 0.398, -0.512, 0.149, 0.05, 0.75, 0.459, -0.424,
       0.96, -0.764, -0.164, 0.514, -0.696, -0.022, -0.922, 0.336, 0.529, 0.146},
      {0.751, -0.373, 0.391, 0.189, 0.16, -0.088, 0.68, 0.889, -0.052, 0.328,
       -0.879, 0.403, 0.294, 0.986, 0.644, -0.431, -0.228, 0.337, -0.955, -0.077},
      {-0.664, -0.766, -0.882, 0.536, -0.741, -0.505, -0.218, 0.743, -0.839, -0.102,
       0.099, 0.767, 0.639, 0.728, -0.443, -0.169, -0.282, 0.768, 0.915, -0.698}};
  expect_near(run(o, p0, grads).params,
              {-0.4039586123081355, -0.5804345716688664, 0.23378385218048936, -0.8882990609912805,
               0.17448528680776837, -0.19557115476333978, -0.8705666021984526, -0.13166416104946954,
               -0.864279802554546,  -0.15664793257215623, -0.9286627544006111, -0.7766161237680987,
               -0.24370971598538532, 0.6204884618066235, -0.6795858631542339, -0.46097184201651564,
               0.27637151810218713, 0.8230136816599356, 0.1733088321766125, -0.22585582164186346});
}

TEST(RMSprop, ResumingFromItsStateContinuesExactly) {  // v and the step count are the whole state
  OptimizerOptions o;
  o.kind = OptimizerKind::rmsprop;
  o.lr = 0.005;
  TensorTable t;
  t.add("p", {3}, ParamGroup::attention);
  Optimizer<double> a(o, t), b(o, t);
  std::vector<double> pa{0.5, -1.0, 2.0};
  for (auto g : kGrads) a.step(pa.data(), g.data(), 1.0);
  std::vector<double> pb{0.5, -1.0, 2.0};
  for (std::size_t k = 0; k < 2; ++k) {
    auto g = kGrads[k];
    b.step(pb.data(), g.data(), 1.0);
  }
  Optimizer<double> c(o, t);  // a fresh optimizer given b's state
  c.v() = b.v();
  c.set_steps(b.steps());
  auto g = kGrads[2];
  c.step(pb.data(), g.data(), 1.0);
  EXPECT_EQ(pa, pb);
  EXPECT_EQ(a.v(), c.v());
  EXPECT_EQ(c.m(), (std::vector<double>{0, 0, 0}));  // RMSprop keeps no first moment
}

}  // namespace
}  // namespace saturn
