#include "scan_snap/data.h"

#include <algorithm>

#include "core/error.h"

namespace saturn::scan_snap {

Dataset::Dataset(const DataOptions& o) : options_(o) {
  if (o.num_last <= 0 || o.num_next_per_last <= 0 || o.num_common < 0 || o.num_common_per_last < 0 ||
      o.num_unique_per_next < 0 || o.seq_len < 2 || o.num_common + o.num_common_per_last + o.num_unique_per_next == 0)
    throw Error("scan_snap data: sizes must be positive (and every class needs some key tokens)");
  const int classes = num_classes();
  distinct_offset_ = o.num_common + o.num_common_per_last * o.num_last;
  last_offset_ = distinct_offset_ + o.num_unique_per_next * classes;
  next_offset_ = last_offset_ + o.num_last;
  vocab_ = next_offset_ + classes;
  for (int c = 0; c < classes; ++c) {
    const int last = c / o.num_next_per_last;
    std::vector<int> tokens;
    std::vector<double> weights;
    for (int i = 0; i < o.num_common; ++i) tokens.push_back(i), weights.push_back(1.0);
    for (int i = 0; i < o.num_common_per_last; ++i)
      tokens.push_back(o.num_common + last * o.num_common_per_last + i), weights.push_back(1.0);
    for (int i = 0; i < o.num_unique_per_next; ++i) {
      tokens.push_back(distinct_offset_ + c * o.num_unique_per_next + i);
      const double frac = o.num_unique_per_next == 1 ? 1.0 : static_cast<double>(i) / (o.num_unique_per_next - 1);
      weights.push_back(o.unique_min + frac * (o.unique_max - o.unique_min));
    }
    double total = 0;
    for (double w : weights) total += w;
    std::vector<double> cum;
    double acc = 0;
    for (double& w : weights) {
      w /= total;
      acc += w;
      cum.push_back(acc);
    }
    cum.back() = 1.0;
    support_.push_back(tokens);
    probs_.push_back(weights);
    cumulative_.push_back(cum);
  }
}

int Dataset::query_token(int klass) const { return last_offset_ + klass / options_.num_next_per_last; }
int Dataset::next_token(int klass) const { return next_offset_ + klass; }

Sequence Dataset::sample(std::uint64_t seed, std::uint64_t index) const {
  Rng rng(seed, index);
  Sequence s;
  s.klass = static_cast<int>(rng.uniform_below(static_cast<std::uint64_t>(num_classes())));
  s.query = query_token(s.klass);
  s.label = next_token(s.klass);
  const auto& cum = cumulative_[static_cast<std::size_t>(s.klass)];
  const auto& tokens = support_[static_cast<std::size_t>(s.klass)];
  s.keys.resize(static_cast<std::size_t>(options_.seq_len - 1));
  for (auto& k : s.keys) {
    const double u = rng.uniform01();
    const auto it = std::upper_bound(cum.begin(), cum.end(), u);
    k = tokens[static_cast<std::size_t>(std::min<std::ptrdiff_t>(it - cum.begin(), static_cast<std::ptrdiff_t>(tokens.size()) - 1))];
  }
  return s;
}

}  // namespace saturn::scan_snap
