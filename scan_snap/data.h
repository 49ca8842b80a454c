// The synthetic data of Tian et al. 2023 ("Scan and Snap", facebookresearch/luckmatters,
// decoder_only.py, Dataset2): K query ("last") tokens, each followed by several next tokens; every
// (last, next) pair is a class whose L-1 key tokens are drawn i.i.d. from its own distribution
// over common tokens (shared by all classes, weight 1), per-last common tokens (shared within a
// last-token group, weight 1) and distinct tokens (unique to the class, weights evenly spaced
// from 0.1 to 1: the co-occurrence order). The label is the next token.
//
// Token id layout: [common | common_per_last x K | distinct x classes | last tokens | next tokens].
#pragma once

#include <cstdint>
#include <vector>

#include "core/rng.h"

namespace saturn::scan_snap {

struct DataOptions {
  int num_last = 3;              // K query tokens
  int num_next_per_last = 2;     // classes per query token
  int num_common = 10;           // shared by every class (weight 1)
  int num_common_per_last = 0;   // shared within a last-token group (weight 1)
  int num_unique_per_next = 10;  // distinct per class (weights 0.1 .. 1)
  int seq_len = 30;              // L: L-1 keys and the query
  double unique_min = 0.1, unique_max = 1.0;
};

struct Sequence {
  std::vector<int> keys;  // (L-1) token ids
  int query = 0;          // the last token
  int label = 0;          // the next token
  int klass = 0;          // class index (last * num_next_per_last + next)
};

class Dataset {
 public:
  explicit Dataset(const DataOptions& o);  // throws saturn::Error on non-positive sizes

  int vocab() const { return vocab_; }
  int num_classes() const { return options_.num_last * options_.num_next_per_last; }
  const DataOptions& options() const { return options_; }
  int query_token(int klass) const;
  int next_token(int klass) const;
  // The class's key tokens and their normalised probabilities.
  const std::vector<int>& support(int klass) const { return support_[static_cast<std::size_t>(klass)]; }
  const std::vector<double>& probabilities(int klass) const { return probs_[static_cast<std::size_t>(klass)]; }
  // Token kinds, for reports.
  bool is_common(int token) const { return token < options_.num_common; }
  bool is_distinct(int token) const { return token >= distinct_offset_ && token < last_offset_; }

  // Sequence i of the stream with this seed: a uniformly drawn class, keys i.i.d. from it.
  Sequence sample(std::uint64_t seed, std::uint64_t index) const;

 private:
  DataOptions options_;
  int vocab_ = 0, distinct_offset_ = 0, last_offset_ = 0, next_offset_ = 0;
  std::vector<std::vector<int>> support_;
  std::vector<std::vector<double>> probs_, cumulative_;
};

}  // namespace saturn::scan_snap
