#include "languages/shuffle_dyck.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <numeric>
#include <shared_mutex>

#include "core/error.h"
#include "languages/combinatorics.h"
#include "languages/dyck.h"
#include "languages/registry.h"

namespace saturn {

namespace {

class ShuffleDyck : public Language {
 public:
  explicit ShuffleDyck(int k) : k_(k), alphabet_(make_alphabet(k)), dyck1_(make_language("dyck:k=1")) {}

  std::string spec() const override { return fmt::format("shuffle_dyck:k={}", k_); }
  std::string description() const override {
    return fmt::format("Shuffle-Dyck-{}: every one of {} bracket types balanced on its own", k_, k_);
  }
  const Alphabet& alphabet() const override { return alphabet_; }

  // State: one counter per type.
  LangState start() const override { return LangState(static_cast<std::size_t>(k_), 0); }
  bool step(LangState& s, Symbol a) const override {
    auto& c = s[a / 2];
    if (a % 2 == 0) return ++c, true;
    if (c == 0) return false;
    return --c, true;
  }
  bool accepting(const LangState& s) const override {
    return std::all_of(s.begin(), s.end(), [](std::int64_t c) { return c == 0; });
  }
  bool live(const LangState&) const override { return true; }

  // Binomial convolution of the per-type ballot counts: with b_j[m] = ballot(m, c_j) and
  // acc_j[t] the completions of length t using types 0..j only,
  // acc_j[t] = sum_m C(t, m) b_j[m] acc_{j-1}[t - m]. Pascal's rows are updated in place as t
  // grows: O(k r^2) big multiplications.
  BigInt completions(const LangState& s, int r) const override {
    const auto R = static_cast<std::size_t>(r);
    std::vector<std::vector<BigInt>> b(static_cast<std::size_t>(k_), std::vector<BigInt>(R + 1));
    for (int j = 0; j < k_; ++j)
      for (int m = 0; m <= r; ++m) b[static_cast<std::size_t>(j)][static_cast<std::size_t>(m)] = ballot(m, static_cast<int>(s[static_cast<std::size_t>(j)]));
    std::vector<std::vector<BigInt>> acc(static_cast<std::size_t>(k_), std::vector<BigInt>(R + 1));
    acc[0] = b[0];
    std::vector<BigInt> row{1};  // C(t, 0..t)
    for (std::size_t t = 0; t <= R; ++t) {
      if (t > 0) {
        row.push_back(1);
        for (std::size_t m = t - 1; m > 0; --m) row[m] += row[m - 1];
      }
      for (std::size_t j = 1; j < static_cast<std::size_t>(k_); ++j) {
        BigInt total = 0;
        for (std::size_t m = 0; m <= t; ++m)
          if (b[j][m] != 0 && acc[j - 1][t - m] != 0) total += row[m] * b[j][m] * acc[j - 1][t - m];
        acc[j][t] = std::move(total);
      }
    }
    return acc.back()[R];
  }

  BigInt count(int n) const override {
    check_length(*this, n);
    return n < 0 ? BigInt(0) : words(k_, n);
  }
  // Counting is cubic in n (0..2000: 10 s for k = 2, 40 s for k = 6; 0..512: half a second).
  int max_length() const override { return 512; }

  Word sample_member(int n, Rng& rng) const override {
    check_length(*this, n);
    if (count(n) == 0) throw NoMembersError(fmt::format("{} has no members of length {}", spec(), n));
    // Component lengths, type by type: the first of j types left takes 2m of the L symbols left
    // with weight C(L, 2m) Catalan(m) W_{j-1}(L - 2m) (cumulative tables, cached).
    std::vector<int> lengths(static_cast<std::size_t>(k_));
    int left = n;
    for (int j = 0; j < k_ - 1; ++j) {
      const auto& cum = cumulative(k_ - j, left);
      const BigInt x = uniform_below(cum.back(), rng);
      const auto m = std::upper_bound(cum.begin(), cum.end(), x) - cum.begin();
      lengths[static_cast<std::size_t>(j)] = 2 * static_cast<int>(m);
      left -= lengths[static_cast<std::size_t>(j)];
    }
    lengths.back() = left;
    // A uniform interleaving: a uniform shuffle of the multiset of type labels.
    std::vector<Symbol> owner;
    for (int j = 0; j < k_; ++j) owner.insert(owner.end(), static_cast<std::size_t>(lengths[static_cast<std::size_t>(j)]), static_cast<Symbol>(j));
    for (std::size_t i = owner.size(); i > 1; --i) std::swap(owner[i - 1], owner[rng.uniform_below(i)]);
    // Uniform Dyck-1 words per type, written into their positions.
    Word w(static_cast<std::size_t>(n));
    std::vector<Word> parts;
    std::vector<std::size_t> cursor(static_cast<std::size_t>(k_), 0);
    for (int j = 0; j < k_; ++j) parts.push_back(dyck1_->sample_member(lengths[static_cast<std::size_t>(j)], rng));
    for (std::size_t i = 0; i < owner.size(); ++i) {
      const Symbol j = owner[i];
      w[i] = static_cast<Symbol>(2 * j + parts[j][cursor[j]++]);
    }
    return w;
  }

 private:
  static std::string make_alphabet(int k) {
    std::string s;
    for (int i = 0; i < k; ++i) s += bracket_pair(i).first, s += bracket_pair(i).second;
    return s;
  }

  // cum[m] = sum over m' <= m of C(L, 2m') Catalan(m') W_{j-1}(L - 2m'), for j >= 2 types and
  // even L; cum.back() == W_j(L). Built once per (j, L); references stay valid (node-based map).
  const std::vector<BigInt>& cumulative(int j, int length) const {
    const auto key = static_cast<std::int64_t>(j) << 32 | length;
    {
      std::shared_lock lock(mutex_);
      if (const auto it = cumulative_.find(key); it != cumulative_.end()) return it->second;
    }
    std::vector<BigInt> cum;
    BigInt choose = 1, cat = 1, acc = 0;  // C(L, 2m) and Catalan(m), updated incrementally
    for (int m = 0; 2 * m <= length; ++m) {
      acc += choose * cat * words(j - 1, length - 2 * m);
      cum.push_back(acc);
      choose = choose * (length - 2 * m) * (length - 2 * m - 1) / ((2 * m + 1) * (2 * m + 2));
      cat = cat * 2 * (2 * m + 1) / (m + 2);
    }
    std::unique_lock lock(mutex_);
    return cumulative_.emplace(key, std::move(cum)).first->second;
  }

  // W_j(L), cached.
  BigInt words(int j, int length) const {
    if (length < 0 || length % 2 != 0) return 0;
    {
      std::shared_lock lock(mutex_);
      if (static_cast<int>(cache_.size()) > length) return cache_[static_cast<std::size_t>(length)][static_cast<std::size_t>(j)];
    }
    std::unique_lock lock(mutex_);
    while (static_cast<int>(cache_.size()) <= length) {
      const int L = static_cast<int>(cache_.size());
      std::vector<BigInt> row(static_cast<std::size_t>(k_) + 1);
      row[0] = L == 0 ? 1 : 0;
      // C(L, 2m) Catalan(m), updated incrementally in m.
      std::vector<BigInt> weight;
      BigInt choose = 1, cat = 1;
      for (int m = 0; 2 * m <= L; ++m) {
        weight.push_back(choose * cat);
        choose = choose * (L - 2 * m) * (L - 2 * m - 1) / ((2 * m + 1) * (2 * m + 2));
        cat = cat * 2 * (2 * m + 1) / (m + 2);
      }
      for (int jj = 1; jj <= k_; ++jj)
        for (int m = 0; 2 * m <= L; ++m) {
          // m = 0 reads the row being built (W_{jj-1}(L), already computed).
          const BigInt& rest = m == 0 ? row[static_cast<std::size_t>(jj) - 1]
                                      : cache_[static_cast<std::size_t>(L - 2 * m)][static_cast<std::size_t>(jj) - 1];
          row[static_cast<std::size_t>(jj)] += weight[static_cast<std::size_t>(m)] * rest;
        }
      cache_.push_back(std::move(row));
    }
    return cache_[static_cast<std::size_t>(length)][static_cast<std::size_t>(j)];
  }

  int k_;
  Alphabet alphabet_;
  LanguagePtr dyck1_;
  mutable std::shared_mutex mutex_;
  mutable std::vector<std::vector<BigInt>> cache_;  // cache_[L][j] = W_j(L); W_0(L) = [L == 0]
  mutable std::map<std::int64_t, std::vector<BigInt>> cumulative_;  // (j << 32 | L) -> weights
};

}  // namespace

LanguagePtr make_shuffle_dyck(const Params& p) {
  p.expect_only({"k"});
  return std::make_shared<ShuffleDyck>(static_cast<int>(p.get_int("k", 1, 8)));
}

}  // namespace saturn
