// Grokking on modular addition (the set-up of jaisidhsingh/layernorm-grok, see
// /work/shared/papers-digest.md section 4): the data split, the compressibility of pre-logit
// features, and the first step at which a recorded trace crosses a threshold.
// The experiment kind itself is harness/kinds/grokking/ (spec.h, run.cpp, report.cpp).
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <utility>
#include <vector>

#include "transformer/batch.h"

namespace saturn {

// Every pair (a, b) in [0, P)^2, in a random order drawn from `seed`; the first n_train pairs
// train, the rest test. n_test = floor((1 - train_fraction) P^2) and n_train = P^2 - n_test (the
// authors' test ratio 0.7 at P = 113 gives 3831 train and 8938 test pairs). The label of (a, b)
// is (a + b) mod P. Deterministic in (modulus, train_fraction, seed); O(P^2).
struct ModularSplit {
  int modulus = 0;
  std::vector<std::pair<int, int>> train, test;
};
ModularSplit modular_addition_split(int modulus, double train_fraction, std::uint64_t seed);

// The strings [<bos>] a b = of `pairs` with only the last position counted: next token
// (a + b) mod P there, -1 (ignored) elsewhere; the lm batch of the grokking kind. O(pairs).
Batch modular_addition_batch(const ModelConfig& c, int modulus, bool bos, const std::vector<std::pair<int, int>>& pairs);

// Compressibility of features F (N x d), after the authors' compressibility_stats: X = F^T F (d x d),
// lambda = the eigenvalues of X (its singular values: X is positive semi-definite; rounding
// negatives are clamped to 0), p = lambda / |lambda|_1.
struct Compressibility {
  double effective_rank = 0;  // exp(-sum p log p)  (1 ... d)
  double stable_rank = 0;     // |X|_F / |X|_2 = sqrt(sum lambda^2) / max lambda  (1 ... sqrt(d))
  int rank = 0;               // eigenvalues above max lambda * d * 2^-23 (float features)
};
// From the Gram matrix X (d x d, symmetric). All zero: every field 0. Cost O(d^3).
Compressibility gram_compressibility(const Eigen::MatrixXd& gram);
// From the features themselves (computes F^T F in double). Cost O(N d^2 + d^3).
Compressibility feature_compressibility(const Eigen::MatrixXd& features);

// The first steps[i] with values[i] >= threshold (at_least) or <= threshold (otherwise);
// -1 when there is none. steps and values have the same length.
std::int64_t first_step_reaching(const std::vector<std::int64_t>& steps, const std::vector<double>& values,
                                 double threshold, bool at_least);

}  // namespace saturn
