// Inclusive ranges of string lengths, written "2..50" (or "7" for a single length).
#pragma once

#include <string>
#include <string_view>

namespace saturn {

struct LengthRange {
  int lo = 0;
  int hi = 0;
  int size() const { return hi - lo + 1; }
  std::string str() const;
  bool operator==(const LengthRange&) const = default;
};

// Parses "A..B" or "N"; throws saturn::Error with the reason (not a number, lo > hi, negative,
// or hi > kMaxLength).
LengthRange parse_length_range(std::string_view text);

inline constexpr int kMaxLength = 100000;

}  // namespace saturn
