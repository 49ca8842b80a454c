// Splits of a task: labelled strings drawn deterministically from (seed, split, index).
//
// A split of size N with positive fraction p holds exactly P = round(N p) members and Q = N - P
// non-members, and of the non-members exactly round(Q m) are near misses (m: the task's near-miss
// weight), spread evenly over them (negative k is a near miss when floor((k+1) NM / Q) >
// floor(k NM / Q)). Without a length shortcut (the default, NegativeMix::length_shortcut) the
// examples are laid out as min(P, Q) pairs, example 2j a member and 2j+1 a non-member of the same
// length, drawn uniformly from the lengths of the range that have both members and non-members,
// then the P - Q or Q - P unpaired examples of the larger class at lengths drawn the same way: every
// negative has a length at which members exist, and for p = 1/2 and N even positives and negatives
// have the same count at every length. A near miss that cannot be found at the drawn length (no
// edit of its members leaves the language) redraws the pair's length, at most kNearMissLengthTries
// times. With the shortcut allowed, members are drawn at the lengths with members, uniform
// non-members at the lengths with non-members and near misses at the lengths with both,
// independently. Members-only splits (p = 1: next_symbols and lm) draw each length uniformly from
// the lengths with members. A string is then drawn exactly uniformly among those of its kind and
// length (members, non-members), or as a near miss (Language::near_miss).
//
// Example i uses the random stream streams::split_example(split, i); a pair draws its length from
// its member's stream. So a split is the same for any thread count.
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

// Lengths a pair (or an unpaired near miss) draws before giving up on finding a near miss.
inline constexpr int kNearMissLengthTries = 8;

// How many examples of each kind a split of these options holds (exactly).
struct SplitPlan {
  int positives = 0;    // round(size * positive_fraction)
  int negatives = 0;    // size - positives
  int near_misses = 0;  // round(negatives * near_miss weight)
  int pairs = 0;        // member/non-member pairs of one length (0 when the length shortcut is allowed)
};
SplitPlan plan_split(const SplitOptions& options);

// The lengths of a range by what they hold (each sorted ascending).
struct SplitLengths {
  std::vector<int> members;     // lengths with members
  std::vector<int> nonmembers;  // lengths with non-members
  std::vector<int> both;        // lengths with both
};
SplitLengths split_lengths(const Language& lang, LengthRange range);

// Why a split of these options cannot be drawn from these lengths, or "" when it can (e.g. a
// recognition split without a length shortcut needs a length with both members and non-members).
std::string split_problem(const Language& lang, const SplitOptions& options, const SplitLengths& lengths);

// Draws one split (in parallel, deterministic). Throws saturn::Error when split_problem is not
// empty, or when no near miss is found at kNearMissLengthTries lengths in a row.
Split make_split(const Language& lang, const SplitOptions& options, std::string name);

// The train split followed by one split per test bin, as the task specifies.
std::vector<Split> make_task_splits(const Language& lang, const TaskSpec& task);

}  // namespace saturn
