#include "languages/majority.h"

#include <mutex>
#include <shared_mutex>

#include "languages/combinatorics.h"

namespace saturn {

namespace {

class Majority : public Language {
 public:
  std::string spec() const override { return "majority"; }
  std::string description() const override { return "binary strings with strictly more 1s than 0s"; }
  const Alphabet& alphabet() const override { return alphabet_; }
  LangState start() const override { return {0}; }
  bool step(LangState& s, Symbol a) const override {
    s[0] += a == 1 ? 1 : -1;
    return true;
  }
  bool accepting(const LangState& s) const override { return s[0] > 0; }
  bool live(const LangState&) const override { return true; }
  // Words of length r with x ones and final difference d + 2x - r > 0: the tail of row r of
  // Pascal's triangle from x0 = max(0, floor((r - d) / 2) + 1). Rows up to kCachedRows are kept
  // as suffix sums (O(1) per call after an O(r) build); longer rows are summed each time.
  BigInt completions(const LangState& s, int r) const override {
    const std::int64_t d = s[0];
    const std::int64_t need = r - d;  // 2x > r - d
    const std::int64_t x0 = need < 0 ? 0 : need / 2 + 1;
    if (x0 > r) return 0;
    if (r <= kCachedRows) return tail_row(r)[static_cast<std::size_t>(x0)];
    BigInt c = binomial(r, static_cast<int>(x0)), total = 0;
    for (std::int64_t x = x0; x <= r; ++x) {
      total += c;
      c = c * (r - x) / (x + 1);
    }
    return total;
  }

  // Members are about half of all words: rejection from uniform words first (uniform over members
  // whenever it succeeds), then the base class's exact walk.
  Word sample_member(int n, Rng& rng) const override {
    check_length(*this, n);
    if (n > 0) {
      Word w(static_cast<std::size_t>(n));
      for (int t = 0; t < 32; ++t) {
        for (auto& x : w) x = static_cast<Symbol>(rng.uniform_below(2));
        if (contains(w)) return w;
      }
    }
    return Language::sample_member(n, rng);
  }

 private:
  static constexpr int kCachedRows = 512;

  // tails[x] = sum of C(r, x') over x' >= x, for x = 0 .. r + 1.
  const std::vector<BigInt>& tail_row(int r) const {
    {
      std::shared_lock lock(mutex_);
      if (!tails_[static_cast<std::size_t>(r)].empty()) return tails_[static_cast<std::size_t>(r)];
    }
    std::vector<BigInt> row(static_cast<std::size_t>(r) + 2, BigInt(0));
    BigInt c = 1;  // C(r, x), from x = 0 up
    std::vector<BigInt> binom;
    for (int x = 0; x <= r; ++x) {
      binom.push_back(c);
      c = c * (r - x) / (x + 1);
    }
    for (int x = r; x >= 0; --x) row[static_cast<std::size_t>(x)] = row[static_cast<std::size_t>(x) + 1] + binom[static_cast<std::size_t>(x)];
    std::unique_lock lock(mutex_);
    auto& slot = tails_[static_cast<std::size_t>(r)];
    if (slot.empty()) slot = std::move(row);
    return slot;
  }

  Alphabet alphabet_{"01"};
  mutable std::shared_mutex mutex_;
  mutable std::vector<std::vector<BigInt>> tails_ = std::vector<std::vector<BigInt>>(kCachedRows + 1);
};

}  // namespace

LanguagePtr make_majority(const Params& p) {
  p.expect_only({});
  return std::make_shared<Majority>();
}

}  // namespace saturn
