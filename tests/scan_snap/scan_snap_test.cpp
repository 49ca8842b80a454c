#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "scan_snap/data.h"
#include "scan_snap/reparam_model.h"
#include "scan_snap/reparam_training.h"
#include "tests/support/gradcheck.h"

namespace saturn::scan_snap {
namespace {

TEST(ScanSnapData, LayoutAndClassDistributions) {
  const Dataset d(DataOptions{.num_last = 2, .num_next_per_last = 2, .num_common = 3, .num_unique_per_next = 4});
  EXPECT_EQ(d.vocab(), 3 + 4 * 4 + 2 + 4);
  EXPECT_EQ(d.query_token(3), 3 + 16 + 1);
  EXPECT_EQ(d.next_token(3), 3 + 16 + 2 + 3);
  // Class 1: commons weight 1, distincts 0.1, 0.4, 0.7, 1.0; normalised by 5.2.
  const auto& p = d.probabilities(1);
  ASSERT_EQ(p.size(), 7u);
  EXPECT_NEAR(p[0], 1.0 / 5.2, 1e-12);
  EXPECT_NEAR(p[3], 0.1 / 5.2, 1e-12);
  EXPECT_NEAR(p[6], 1.0 / 5.2, 1e-12);
  // Empirical key frequencies of class 1 match (chi-square, 6 degrees of freedom, p = 0.001).
  std::map<int, int> hist;
  int n = 0;
  for (std::uint64_t i = 0; n < 20000; ++i) {
    const auto s = d.sample(5, i);
    if (s.klass != 1) continue;
    for (int k : s.keys) ++hist[k], ++n;
    if (n >= 20000) break;
  }
  double chi2 = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const double e = p[i] * n, obs = hist[d.support(1)[i]];
    chi2 += (obs - e) * (obs - e) / e;
  }
  EXPECT_LT(chi2, 22.46);
}

TEST(ScanSnapModel, GradientsMatchFiniteDifferences) {
  const Dataset d(DataOptions{.num_last = 2, .num_common = 3, .num_unique_per_next = 3, .seq_len = 6});
  Model m(d.vocab());
  Rng rng(3);
  for (long i = 0; i < m.z.size(); ++i) m.z.data()[i] = rng.normal(), m.y.data()[i] = rng.normal();
  std::vector<Sequence> batch;
  for (int i = 0; i < 5; ++i) batch.push_back(d.sample(1, static_cast<std::uint64_t>(i)));
  Grads g(d.vocab());
  forward_backward(m, batch, g);
  const auto r = saturn::testing::check_gradients(
      [&] {
        Grads scratch(d.vocab());
        return forward_backward(m, batch, scratch);
      },
      {{"z", m.z.data(), static_cast<std::size_t>(m.z.size()), g.z.data()},
       {"y", m.y.data(), static_cast<std::size_t>(m.y.size()), g.y.data()}},
      {.min_checked = 1, .every_input_nonzero = true});
  EXPECT_TRUE(r.ok) << r.message;
}

TEST(ScanSnapTraining, AttentionLeavesCommonTokensAndTheLossFalls) {
  const Dataset d(DataOptions{.num_last = 2, .num_next_per_last = 2});
  TrainOptions t;
  t.steps = 400;
  t.batch = 64;
  t.lr_z = 1.0;
  t.lr_ratio = 1.0;
  const auto r = train(d, t);
  EXPECT_LT(r.loss.back(), r.loss.front() * 0.5);
  EXPECT_LT(r.final_entropy, r.mean_entropy.front());  // attention concentrates
  // Mass on common tokens falls for every class.
  for (int c = 0; c < d.num_classes(); ++c) {
    const auto& first = r.classes[static_cast<std::size_t>(c)].attention.front();
    const auto& last = r.classes[static_cast<std::size_t>(c)].attention.back();
    double common_first = 0, common_last = 0;
    for (std::size_t i = 0; i < first.size(); ++i)
      if (d.is_common(d.support(c)[i])) common_first += first[i], common_last += last[i];
    EXPECT_LT(common_last, common_first) << "class " << c;
  }
}

}  // namespace
}  // namespace saturn::scan_snap
