#include "languages/language.h"

#include <fmt/format.h>

#include <cmath>

#include "core/error.h"

namespace saturn {

namespace {
constexpr int kRejectionTries = 32;      // uniform draws tried before the exact walk
constexpr int kNearMissAttempts = 200;   // members drawn before giving up on a near miss
constexpr std::uint64_t kNeighbourList = 1u << 16;  // most edits listed per member once random edits fail

BigInt power(int base, int n) { return boost::multiprecision::pow(BigInt(base), static_cast<unsigned>(n)); }

// count * 8 >= sigma^n, deciding from bit lengths when that is clear (no big power needed).
bool dense(const BigInt& count, int sigma, int n) {
  if (count == 0) return false;
  const double log2_all = n * std::log2(static_cast<double>(sigma));
  const double log2_count = static_cast<double>(boost::multiprecision::msb(count));  // floor(log2(count))
  if (log2_count + 1 + 3 < log2_all - 1) return false;
  if (log2_count + 3 > log2_all + 1) return true;
  return count * 8 >= power(sigma, n);
}
}  // namespace

std::size_t LangStateHash::operator()(const LangState& s) const noexcept {
  std::uint64_t h = 0x9E3779B97F4A7C15ull ^ s.size();
  for (auto x : s) {
    h ^= static_cast<std::uint64_t>(x) + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  }
  return static_cast<std::size_t>(h);
}

bool Language::contains(WordView w) const {
  LangState s = start();
  for (Symbol a : w)
    if (!step(s, a)) return false;
  return accepting(s);
}

void check_length(const Language& lang, int n) {
  if (n > lang.max_length())
    throw Error(fmt::format("language '{}': length {} is beyond {}, the longest length it counts and samples in "
                            "reasonable time (exact counts are big integers; see max_length in languages/language.h)",
                            lang.spec(), n, lang.max_length()));
}

BigInt Language::count(int n) const {
  check_length(*this, n);
  return n < 0 ? BigInt(0) : completions(start(), n);
}

BigInt Language::count_nonmembers(int n) const {
  check_length(*this, n);
  return n < 0 ? BigInt(0) : power(alphabet().size(), n) - count(n);
}

Word Language::sample_member(int n, Rng& rng) const {
  check_length(*this, n);
  const BigInt members = count(n);
  if (members == 0) throw NoMembersError(fmt::format("{} has no members of length {}", spec(), n));
  // Dense languages: rejection from uniform words is exact and cheap.
  if (dense(members, alphabet().size(), n)) {
    Word w(static_cast<std::size_t>(n));
    for (int t = 0; t < kRejectionTries; ++t) {
      for (auto& x : w) x = static_cast<Symbol>(rng.uniform_below(static_cast<std::uint64_t>(alphabet().size())));
      if (contains(w)) return w;
    }
  }
  return sample_by_completions(n, rng, true);
}

Word Language::sample_nonmember(int n, Rng& rng) const {
  check_length(*this, n);
  // Non-members are usually dense: try rejection before computing any count. Whether the tries
  // succeed or the exact walk runs after them, the result is uniform over non-members.
  if (n >= 0) {
    Word w(static_cast<std::size_t>(n));
    for (int t = 0; t < kRejectionTries; ++t) {
      for (auto& x : w) x = static_cast<Symbol>(rng.uniform_below(static_cast<std::uint64_t>(alphabet().size())));
      if (!contains(w)) return w;
    }
  }
  if (count_nonmembers(n) == 0) throw NoMembersError(fmt::format("{} has no non-members of length {}", spec(), n));
  return sample_by_completions(n, rng, false);
}

Word Language::sample_by_completions(int n, Rng& rng, bool member) const {
  const int sigma = alphabet().size();
  Word w(static_cast<std::size_t>(n));
  LangState s = start();
  bool alive = true;
  std::vector<LangState> next(static_cast<std::size_t>(sigma));
  std::vector<BigInt> weight(static_cast<std::size_t>(sigma));
  std::vector<char> next_alive(static_cast<std::size_t>(sigma));
  for (int i = 0; i < n; ++i) {
    const int r = n - i - 1;
    if (!alive) {  // every continuation of a dead prefix is a non-member
      w[static_cast<std::size_t>(i)] = static_cast<Symbol>(rng.uniform_below(static_cast<std::uint64_t>(sigma)));
      continue;
    }
    const BigInt all = member ? BigInt(0) : power(sigma, r);
    BigInt total = 0;
    for (int a = 0; a < sigma; ++a) {
      auto& t = next[static_cast<std::size_t>(a)];
      t = s;
      next_alive[static_cast<std::size_t>(a)] = step(t, static_cast<Symbol>(a));
      const BigInt c = next_alive[static_cast<std::size_t>(a)] ? completions(t, r) : BigInt(0);
      weight[static_cast<std::size_t>(a)] = member ? c : all - c;
      total += weight[static_cast<std::size_t>(a)];
    }
    BigInt x = uniform_below(total, rng);
    int chosen = 0;
    for (int a = 0; a < sigma; ++a) {
      if (x < weight[static_cast<std::size_t>(a)]) {
        chosen = a;
        break;
      }
      x -= weight[static_cast<std::size_t>(a)];
    }
    w[static_cast<std::size_t>(i)] = static_cast<Symbol>(chosen);
    alive = next_alive[static_cast<std::size_t>(chosen)] != 0;
    s = std::move(next[static_cast<std::size_t>(chosen)]);
  }
  return w;
}

namespace {

// One random edit of w that keeps its length: a substitution, a swap of two different adjacent
// symbols, or a deletion at i followed by an insertion at j. Returns false when the drawn edit
// cannot change w (e.g. a substitution over a one-letter alphabet).
bool random_edit(Word& w, int sigma, Rng& rng) {
  const auto n = static_cast<std::uint64_t>(w.size());
  const auto kind = rng.uniform_below(3);
  if (kind == 0) {  // substitution
    if (sigma < 2) return false;
    const auto i = static_cast<std::size_t>(rng.uniform_below(n));
    const auto shift = 1 + rng.uniform_below(static_cast<std::uint64_t>(sigma - 1));
    w[i] = static_cast<Symbol>((w[i] + shift) % static_cast<std::uint64_t>(sigma));
    return true;
  }
  if (kind == 1) {  // swap of adjacent symbols
    if (n < 2) return false;
    const auto j = static_cast<std::size_t>(rng.uniform_below(n - 1));
    if (w[j] == w[j + 1]) return false;
    std::swap(w[j], w[j + 1]);
    return true;
  }
  // deletion at i, insertion of a symbol at j
  const auto i = static_cast<std::ptrdiff_t>(rng.uniform_below(n));
  w.erase(w.begin() + i);
  const auto j = static_cast<std::ptrdiff_t>(rng.uniform_below(n));
  w.insert(w.begin() + j, static_cast<Symbol>(rng.uniform_below(static_cast<std::uint64_t>(sigma))));
  return true;
}

// Number of edits non_member_neighbours tries on a word of length n.
std::uint64_t edit_count(std::uint64_t n, std::uint64_t sigma) { return n * (sigma - 1) + n + n * n * sigma; }

// Every same-length word one edit away from w (with multiplicity) that the language rejects.
std::vector<Word> non_member_neighbours(const Language& lang, const Word& w) {
  const int sigma = lang.alphabet().size();
  const std::size_t n = w.size();
  std::vector<Word> out;
  Word v = w;
  for (std::size_t i = 0; i < n; ++i) {
    for (int a = 0; a < sigma; ++a) {
      if (a == w[i]) continue;
      v[i] = static_cast<Symbol>(a);
      if (!lang.contains(v)) out.push_back(v);
    }
    v[i] = w[i];
  }
  for (std::size_t j = 0; j + 1 < n; ++j) {
    if (w[j] == w[j + 1]) continue;
    std::swap(v[j], v[j + 1]);
    if (!lang.contains(v)) out.push_back(v);
    std::swap(v[j], v[j + 1]);
  }
  for (std::size_t i = 0; i < n; ++i) {
    Word shorter = w;
    shorter.erase(shorter.begin() + static_cast<std::ptrdiff_t>(i));
    for (std::size_t j = 0; j < n; ++j)
      for (int a = 0; a < sigma; ++a) {
        Word u = shorter;
        u.insert(u.begin() + static_cast<std::ptrdiff_t>(j), static_cast<Symbol>(a));
        if (!lang.contains(u)) out.push_back(std::move(u));
      }
  }
  return out;
}

}  // namespace

Word Language::near_miss(int n, Rng& rng) const {
  check_length(*this, n);
  const int sigma = alphabet().size();
  if (n == 0) throw Error(fmt::format("{}: no near miss of length 0 (no edit keeps the length)", spec()));
  const bool can_list = edit_count(static_cast<std::uint64_t>(n), static_cast<std::uint64_t>(sigma)) <= kNeighbourList;
  for (int attempt = 0; attempt < kNearMissAttempts; ++attempt) {
    const Word member = sample_member(n, rng);
    Word w = member;
    if (random_edit(w, sigma, rng) && !contains(w)) return w;
    // Random edits keep landing in the language: list this member's whole neighbourhood.
    if (attempt >= kNearMissAttempts / 2 && can_list) {
      auto misses = non_member_neighbours(*this, member);
      if (!misses.empty()) return std::move(misses[static_cast<std::size_t>(rng.uniform_below(misses.size()))]);
    }
  }
  throw Error(fmt::format("{}: no near miss of length {} found in {} attempts", spec(), n, kNearMissAttempts));
}

NextSymbols Language::next_symbols(WordView prefix) const {
  NextSymbols out;
  LangState s = start();
  for (Symbol a : prefix)
    if (!step(s, a)) return out;
  out.is_member = accepting(s);
  for (int a = 0; a < alphabet().size(); ++a) {
    LangState t = s;
    if (step(t, static_cast<Symbol>(a)) && live(t)) out.allowed |= std::uint64_t{1} << a;
  }
  return out;
}

}  // namespace saturn
