// Rank correlations and trace measures.
#include <gtest/gtest.h>

#include <cmath>

#include "scan_snap/analysis.h"

namespace saturn::scan_snap {
namespace {

TEST(ScanSnapAnalysis, RankCorrelations) {
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0);
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0);
  EXPECT_TRUE(std::isnan(spearman({1, 1, 1}, {1, 2, 3})));
  // Ties get average ranks: x ranks (1.5, 1.5, 3), y ranks (1, 2, 3): Pearson = sqrt(3)/2.
  EXPECT_NEAR(spearman({5, 5, 7}, {1, 2, 3}), std::sqrt(3.0) / 2, 1e-12);
  EXPECT_DOUBLE_EQ(kendall_tau_b({1, 2, 3, 4}, {1, 3, 2, 4}), 4.0 / 6.0);
  // tau-b with a tie in x: 2 concordant, 0 discordant, 1 tie in x -> 2 / sqrt(2 * 3).
  EXPECT_NEAR(kendall_tau_b({1, 1, 2}, {1, 2, 3}), 2 / std::sqrt(6.0), 1e-12);
}

TEST(ScanSnapAnalysis, UniformAttentionHasTheDataEntropy) {
  // Zero weights: c_n = P(. | n). On the paper's 10 distinct tokens (weights 0.1 .. 1) the
  // distinct entropy is 2.1513 nats, the top of the paper's Fig. 6 axis.
  const Dataset d(DataOptions{.num_last = 2});
  TrainOptions t;
  t.steps = 1;
  t.lr_z = 1e-300;  // nothing moves
  const auto r = train(d, t);
  const auto m = measure_trace(d, r, 0.01);
  EXPECT_NEAR(m.initial_distinct_entropy, 2.151281720651836, 1e-9);
  EXPECT_NEAR(m.initial_entropy, 2.8992874404589912, 1e-9);
  EXPECT_NEAR(m.common_mass_start, 10.0 / 15.5, 1e-12);
  EXPECT_DOUBLE_EQ(m.dropped_fraction, 0.0);
}

TEST(ScanSnapAnalysis, DropStepsFollowASyntheticTrace) {
  const Dataset d(DataOptions{.num_last = 1, .num_next_per_last = 1, .num_common = 1, .num_unique_per_next = 3});
  // Support: common, distinct w=0.1, 0.55, 1. Distinct attention renormalised over the last 3.
  Trace tr;
  tr.record(0, 1.0, {{0.4, 0.2, 0.2, 0.2}});
  tr.record(10, 0.5, {{0.3, 0.1, 0.3, 0.3}});  // rarest drops at 10
  tr.record(20, 0.2, {{0.1, 0.1, 0.2, 0.6}});  // middle drops at 20; the frequent one never
  tr.finish(0.01);
  const auto m = measure_trace(d, tr, 0.01);
  ASSERT_EQ(m.mean_drop_step.size(), 3u);
  EXPECT_EQ(m.mean_drop_step[0], 10);
  EXPECT_EQ(m.mean_drop_step[1], 20);
  EXPECT_EQ(m.mean_drop_step[2], 21);  // never: one past the last record
  EXPECT_DOUBLE_EQ(m.drop_spearman, 1.0);
  EXPECT_DOUBLE_EQ(m.final_spearman, 1.0);
  EXPECT_DOUBLE_EQ(m.gain_spearman, 1.0);
  EXPECT_NEAR(m.common_mass_start, 0.4, 1e-12);
  EXPECT_NEAR(m.common_mass_end, 0.1, 1e-12);
  EXPECT_NEAR(m.dropped_fraction, 2.0 / 3.0, 1e-12);
  EXPECT_EQ(m.distinct_freeze_step, 20);
}

}  // namespace
}  // namespace saturn::scan_snap
