// The one interface every formal language implements.
//
// A language is presented as a deterministic acceptor over its alphabet whose states may be
// infinite in number (a stack, counters, a prefix) but are small values. From the acceptor and an
// exact completion count the base class derives membership, exact counts, exactly uniform member
// and non-member sampling, and next-symbol sets; a language may override any of them with a faster
// closed form (e.g. Dyck's ballot-number sampler).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/bigint.h"
#include "core/rng.h"
#include "core/word.h"

namespace saturn {

// The acceptor's state: a few integers (stack contents, counters, DFA state, ...), hashable.
using LangState = std::vector<std::int64_t>;

// The longest length a language counts and samples by default: counting every length 0..n and
// drawing one string of length n take about a second or less on one core for every language at
// 2048 (exact counts are big integers whose cost grows with n). A language slower than that lowers
// its max_length(); beyond it count and sampling throw saturn::Error naming the language, the
// length and the limit (check_length), instead of running for hours.
inline constexpr int kMaxLanguageLength = 2048;

struct LangStateHash {
  std::size_t operator()(const LangState& s) const noexcept;
};

// The next-character objective of Bhattamishra et al. (2020): which symbols keep a prefix the
// prefix of some member, and whether the prefix itself is a member.
struct NextSymbols {
  std::uint64_t allowed = 0;  // bit a set <=> prefix·a is a prefix of some member
  bool is_member = false;     // the prefix itself is in the language
  bool allows(Symbol a) const { return (allowed >> a) & 1u; }
  bool operator==(const NextSymbols&) const = default;
};

class Language {
 public:
  virtual ~Language() = default;

  // --- identity --------------------------------------------------------------------------------
  virtual std::string spec() const = 0;         // canonical compact form, e.g. "dyck:k=2"
  virtual std::string description() const = 0;  // one line for `saturn languages`
  virtual const Alphabet& alphabet() const = 0;

  // --- the acceptor (what every language must provide) ----------------------------------------
  virtual LangState start() const = 0;
  // Advances s by a; returns false when no extension of the word can be a member (dead state).
  virtual bool step(LangState& s, Symbol a) const = 0;
  virtual bool accepting(const LangState& s) const = 0;
  // Exact number of words u of length r such that (the word leading to s)·u is a member.
  // Precondition: s was produced by start()/step() returning true.
  virtual BigInt completions(const LangState& s, int r) const = 0;
  // True when some completion (of any length) is a member. Must not loop forever.
  virtual bool live(const LangState& s) const = 0;

  // --- derived operations (override for speed) ------------------------------------------------
  virtual bool contains(WordView w) const;                 // membership oracle
  virtual BigInt count(int n) const;                       // members of length n
  BigInt count_nonmembers(int n) const;                    // |Σ|^n - count(n)
  // Exactly uniform over members of length n; throws NoMembersError when count(n) == 0.
  virtual Word sample_member(int n, Rng& rng) const;
  // Exactly uniform over non-members of length n; throws NoMembersError when there are none.
  virtual Word sample_nonmember(int n, Rng& rng) const;
  // A non-member of length n one edit (substitution, adjacent swap, or deletion+insertion) away
  // from a uniformly drawn member of length n, confirmed by contains(). Up to 200 members are
  // drawn, each given one random edit; from the 100th on, a member whose neighbourhood is small
  // (n(σ-1) + n + n²σ <= 65536 edits) has it listed and one of its non-member neighbours chosen
  // uniformly. Throws NoMembersError when length n has no members, saturn::Error when no edit of
  // the drawn members leaves the language (e.g. (aa)*, or length 1 of palindromes).
  virtual Word near_miss(int n, Rng& rng) const;
  // Which symbols extend prefix towards a member (step + live), and whether it is one.
  // (Alphabets have at most 64 symbols, core/word.h, so the set fits NextSymbols' mask.)
  virtual NextSymbols next_symbols(WordView prefix) const;
  // The longest length count and the samplers accept (kMaxLanguageLength unless a language is
  // slower, see above). Every count/sample entry point calls check_length first.
  virtual int max_length() const { return kMaxLanguageLength; }

 protected:
  // Walks the acceptor symbol by symbol, choosing each symbol with probability proportional to
  // its completion count (member == true) or to |Σ|^r - completions (member == false).
  Word sample_by_completions(int n, Rng& rng, bool member) const;
};

using LanguagePtr = std::shared_ptr<const Language>;

// Throws saturn::Error when n > lang.max_length(): "language 'L': length N is beyond M, the
// longest length it counts and samples in reasonable time".
void check_length(const Language& lang, int n);

}  // namespace saturn
