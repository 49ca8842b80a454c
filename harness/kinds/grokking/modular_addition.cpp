#include "harness/kinds/grokking/modular_addition.h"

#include <fmt/format.h>

#include <cmath>

#include "core/error.h"
#include "core/streams.h"

namespace saturn {

Batch modular_addition_batch(const ModelConfig& c, int modulus, bool bos, const std::vector<std::pair<int, int>>& pairs) {
  Batch b;
  b.offsets.push_back(0);
  for (const auto& [x, y] : pairs) {
    if (bos) b.tokens.push_back(c.bos_id), b.next_tokens.push_back(-1);
    b.tokens.insert(b.tokens.end(), {x, y, modulus});
    b.next_tokens.insert(b.next_tokens.end(), {-1, -1, (x + y) % modulus});
    b.offsets.push_back(static_cast<int>(b.tokens.size()));
  }
  return b;
}

ModularSplit modular_addition_split(int modulus, double train_fraction, std::uint64_t seed) {
  if (modulus < 2) throw Error(fmt::format("modular addition: modulus {} must be at least 2", modulus));
  if (!(train_fraction > 0 && train_fraction < 1))
    throw Error(fmt::format("modular addition: train fraction {} must lie strictly between 0 and 1", train_fraction));
  const long n = static_cast<long>(modulus) * modulus;
  std::vector<std::pair<int, int>> pairs;
  pairs.reserve(static_cast<std::size_t>(n));
  for (int a = 0; a < modulus; ++a)
    for (int b = 0; b < modulus; ++b) pairs.emplace_back(a, b);
  // Fisher-Yates from the back, one stream for the whole shuffle.
  Rng rng(seed, streams::kModularAdditionShuffle);
  for (long i = n - 1; i > 0; --i)
    std::swap(pairs[static_cast<std::size_t>(i)], pairs[rng.uniform_below(static_cast<std::uint64_t>(i) + 1)]);
  const long n_test = static_cast<long>(std::floor((1.0 - train_fraction) * static_cast<double>(n)));
  const long n_train = n - n_test;
  if (n_train <= 0 || n_test <= 0)
    throw Error(fmt::format("modular addition: train fraction {} leaves {} train and {} test pairs of {}", train_fraction,
                            n_train, n_test, n));
  ModularSplit s;
  s.modulus = modulus;
  s.train.assign(pairs.begin(), pairs.begin() + n_train);
  s.test.assign(pairs.begin() + n_train, pairs.end());
  return s;
}

Compressibility gram_compressibility(const Eigen::MatrixXd& gram) {
  if (gram.rows() != gram.cols()) throw Error(fmt::format("gram_compressibility: {} x {} is not square", gram.rows(), gram.cols()));
  Compressibility c;
  if (gram.size() == 0) return c;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(gram, Eigen::EigenvaluesOnly);
  if (eig.info() != Eigen::Success) throw Error("gram_compressibility: the eigen solver did not converge");
  Eigen::VectorXd lambda = eig.eigenvalues().cwiseMax(0.0);  // ascending
  const double l1 = lambda.sum(), top = lambda.maxCoeff();
  if (!(top > 0)) return c;
  double h = 0;
  for (Eigen::Index i = 0; i < lambda.size(); ++i) {
    const double p = lambda[i] / l1;
    if (p > 0) h -= p * std::log(p);
  }
  c.effective_rank = std::exp(h);
  c.stable_rank = lambda.norm() / top;
  const double tol = top * static_cast<double>(gram.rows()) * std::ldexp(1.0, -23);
  for (Eigen::Index i = 0; i < lambda.size(); ++i) c.rank += lambda[i] > tol;
  return c;
}

Compressibility feature_compressibility(const Eigen::MatrixXd& features) {
  const Eigen::MatrixXd gram = features.transpose() * features;
  return gram_compressibility(gram);
}

std::int64_t first_step_reaching(const std::vector<std::int64_t>& steps, const std::vector<double>& values, double threshold,
                                 bool at_least) {
  if (steps.size() != values.size())
    throw Error(fmt::format("first_step_reaching: {} steps but {} values", steps.size(), values.size()));
  for (std::size_t i = 0; i < steps.size(); ++i)
    if (at_least ? values[i] >= threshold : values[i] <= threshold) return steps[i];
  return -1;
}

}  // namespace saturn
