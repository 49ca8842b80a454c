// A packed batch: the tokens of B strings (BOS first in each) concatenated without padding,
// N = sum of lengths, with the targets of the model's head.
#pragma once

#include <vector>

#include "transformer/config.h"

namespace saturn {

struct Batch {
  std::vector<int> tokens;    // (N) token ids
  std::vector<int> offsets;   // (B+1) string i = tokens[offsets[i] .. offsets[i+1])
  std::vector<float> labels;  // classify: (B) 1 = member
  std::vector<float> targets;  // next_symbols: (N, n_out) 0/1
  std::vector<int> next_tokens;  // lm: (N) the token each position predicts; -1: ignored (no loss there)

  int size() const { return static_cast<int>(offsets.size()) - 1; }
  int num_tokens() const { return static_cast<int>(tokens.size()); }
  int length(int i) const { return offsets[static_cast<std::size_t>(i) + 1] - offsets[static_cast<std::size_t>(i)]; }
  // Appends a string (BOS is added here): its symbol ids (< vocab) and, by head, its targets.
  void add_string(const ModelConfig& c, const std::vector<int>& symbols);
  void clear();
};

}  // namespace saturn
