// Measures of a training trace that test the claims of Tian et al. 2023 ("Scan and Snap"):
//   - attention leaves the common tokens: the attention mass on common tokens at the first and
//     the last record (mean over classes);
//   - distinct tokens drop in order of co-occurrence. The distinct attention of a class is its
//     recorded attention restricted to its distinct tokens and renormalised. Per class, the
//     "drop step" of a distinct token is the first recorded step at which its distinct attention
//     falls below its value at the first record (tokens that never fall get the step after the
//     last record); we report its rank correlation with the token's co-occurrence weight
//     (positive: rarer tokens drop earlier), the rank correlation of the final attention with
//     the weight (which the weighting by P(l | n) already favours), and that of the logit gain
//     log(c_l(end) / c_l(start)) = z_l(end) - z_l(start) + const with the weight (which it does not);
//   - snap: the distinct entropy (entropy of the distinct attention, mean over classes) — the
//     quantity of the paper's Fig. 6 ("average entropy of c_n"; it reproduces the published
//     figure_6_data.pkl) — its freeze step (as in trainer.h: the first record from which it stays
//     within tolerance x its first value of its final value) and the step by which 90% of its
//     total change has happened.
// Correlations are averaged over the classes where they are defined (NaN when none is).
#pragma once

#include <vector>

#include "scan_snap/data.h"
#include "scan_snap/reparam_training.h"

namespace saturn::scan_snap {

struct TraceMeasures {
  double initial_entropy = 0, final_entropy = 0;    // mean class entropy, first and last record
  double common_mass_start = 0, common_mass_end = 0;  // attention on common tokens (mean over classes)
  double distinct_mass_start = 0, distinct_mass_end = 0;
  double final_spearman = 0;   // Spearman(final attention of distinct tokens, co-occurrence weight)
  double final_kendall = 0;    // Kendall tau-b of the same
  double gain_spearman = 0;    // Spearman(log(final / first attention) of distinct tokens, weight)
  double drop_spearman = 0;    // Spearman(drop step of distinct tokens, co-occurrence weight)
  double drop_kendall = 0;     // Kendall tau-b of the same
  double dropped_fraction = 0;  // distinct tokens whose attention fell below its first value
  double top_distinct_mass_end = 0;  // final distinct attention on the class's most frequent distinct token
  int freeze_step = 0;          // of the whole-support entropy (Trace::freeze_step)
  int entropy_t90 = 0;          // first recorded step with 90% of the total entropy change done
  std::vector<double> distinct_entropy;  // [record] mean over classes
  double initial_distinct_entropy = 0, final_distinct_entropy = 0;
  int distinct_freeze_step = 0;
  int distinct_t90 = 0;
  std::vector<double> mean_drop_step;  // [distinct token by increasing weight] mean over classes
};

// `trace` records every class of `data` with attention in Dataset::support order.
TraceMeasures measure_trace(const Dataset& data, const Trace& trace, double freeze_tolerance);

// The distinct attention of class `klass` from its recorded attention (support order).
std::vector<double> distinct_attention(const Dataset& data, int klass, const std::vector<double>& attention);

// Rank correlations with ties given average ranks; NaN when either side is constant.
double spearman(const std::vector<double>& x, const std::vector<double>& y);
double kendall_tau_b(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace saturn::scan_snap
