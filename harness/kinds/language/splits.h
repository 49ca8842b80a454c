// Splits of a task: labelled strings drawn deterministically from (seed, split, index).
//
// Lengths are drawn uniformly over the lengths of the range that have strings of the wanted kind
// (members for positives, non-members for negatives); a string is then drawn exactly uniformly
// among those of its length (members) or by the task's negative mix (uniform non-member or near
// miss; a near miss falls back to a uniform non-member at lengths without members). Example i of
// split s uses its own random stream, so the split is the same for any thread count.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/word.h"
#include "harness/kinds/language/spec.h"
#include "languages/language.h"

namespace saturn {

enum class ExampleKind : std::uint8_t { member, uniform_nonmember, near_miss };
const char* example_kind_name(ExampleKind k);

struct Example {
  Word word;
  bool member = false;
  ExampleKind kind = ExampleKind::member;
};

struct Split {
  std::string name;  // "train", "test_52..100", ...
  LengthRange lengths;
  std::vector<Example> examples;
};

struct SplitOptions {
  LengthRange lengths;
  int size = 0;
  double positive_fraction = 0.5;  // 1.0 for next_symbols / lm objectives
  NegativeMix negatives;
  std::uint64_t seed = 1;
  std::uint64_t split_id = 0;      // distinct per split of a task (0 = train, 1.. = test bins)
};

// Draws one split (in parallel, deterministic). Throws saturn::Error when no length in range has
// the strings asked for.
Split make_split(const Language& lang, const SplitOptions& options, std::string name);

// The train split followed by one split per test bin, as the task specifies.
std::vector<Split> make_task_splits(const Language& lang, const TaskSpec& task);

}  // namespace saturn
