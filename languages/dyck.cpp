#include "languages/dyck.h"

#include <fmt/format.h>

#include <mutex>
#include <shared_mutex>

#include "core/error.h"
#include "languages/combinatorics.h"

namespace saturn {

std::pair<char, char> bracket_pair(int i) {
  static const char* kOpen = "([{<";
  static const char* kClose = ")]}>";
  if (i < 4) return {kOpen[i], kClose[i]};
  return {static_cast<char>('a' + (i - 4)), static_cast<char>('A' + (i - 4))};
}

namespace {

std::string bracket_alphabet(int k) {
  std::string s;
  for (int i = 0; i < k; ++i) {
    const auto [o, c] = bracket_pair(i);
    s += o;
    s += c;
  }
  return s;
}

// Bounded depth: whether to close at height h when r symbols remain after the step, as a test on
// one uniform 64-bit draw a against floor = floor(2^64 p), p = P(close) (a < floor: close;
// a > floor: open; a == floor: an exact BigInt draw settles it).
struct CloseRule {
  enum Kind : std::uint8_t { kCompare, kAlways, kNever } kind = kCompare;
  std::uint64_t floor = 0;
};

class Dyck : public Language {
 public:
  Dyck(int k, int depth) : k_(k), depth_(depth), alphabet_(bracket_alphabet(k)) {}

  std::string spec() const override {
    return depth_ > 0 ? fmt::format("dyck:k={},depth={}", k_, depth_) : fmt::format("dyck:k={}", k_);
  }
  std::string description() const override {
    return depth_ > 0 ? fmt::format("Dyck-{} with nesting depth at most {}", k_, depth_)
                      : fmt::format("Dyck-{}: well-nested brackets of {} types", k_, k_);
  }
  const Alphabet& alphabet() const override { return alphabet_; }

  // Symbol 2i opens type i, 2i+1 closes it.
  LangState start() const override { return {}; }
  bool step(LangState& s, Symbol a) const override {
    const int type = a / 2;
    if (a % 2 == 0) {
      if (depth_ > 0 && static_cast<int>(s.size()) >= depth_) return false;
      s.push_back(type);
      return true;
    }
    if (s.empty() || s.back() != type) return false;
    s.pop_back();
    return true;
  }
  bool accepting(const LangState& s) const override { return s.empty(); }
  bool live(const LangState&) const override { return true; }

  BigInt completions(const LangState& s, int r) const override { return paths(static_cast<int>(s.size()), r); }

  Word sample_member(int n, Rng& rng) const override {
    check_length(*this, n);
    // Every even length has members (e.g. ()()...), at any depth bound >= 1.
    if (n < 0 || n % 2 != 0) throw NoMembersError(fmt::format("{} has no members of length {}", spec(), n));
    // The bound binds only when a word of length n can reach depth n / 2 > D.
    return depth_ > 0 && 2 * depth_ < n ? sample_bounded(n, rng) : sample_unbounded(n, rng);
  }

 private:
  // Weighted paths: completions from height h with r symbols left.
  BigInt paths(int h, int r) const {
    if (r < h || (r - h) % 2 != 0) return 0;
    if (depth_ > 0 && h > depth_) return 0;
    // No path from h down to 0 in r steps rises above (h + r) / 2: a bound that high never binds.
    if (depth_ == 0 || 2 * depth_ >= h + r) {
      BigInt kpow = 1;
      for (int i = 0; i < (r - h) / 2; ++i) kpow *= k_;
      return kpow * ballot(r, h);
    }
    ensure(r);
    std::shared_lock lock(mutex_);
    return table_[static_cast<std::size_t>(r)][static_cast<std::size_t>(h)];
  }

  // Bounded depth: table_[r][h] = k * table_[r-1][h+1] (h < D) + table_[r-1][h-1] (h > 0), and
  // the closing rule for each (r, h) (see CloseRule).
  void ensure(int r) const {
    {
      std::shared_lock lock(mutex_);
      if (static_cast<int>(table_.size()) > r) return;
    }
    std::unique_lock lock(mutex_);
    if (table_.empty()) {
      table_.emplace_back(static_cast<std::size_t>(depth_) + 1, BigInt(0));
      table_[0][0] = 1;
      rules_.push_back(make_rules(table_[0]));
    }
    while (static_cast<int>(table_.size()) <= r) {
      const auto& prev = table_.back();
      std::vector<BigInt> row(static_cast<std::size_t>(depth_) + 1);
      for (int h = 0; h <= depth_; ++h) {
        if (h < depth_) row[static_cast<std::size_t>(h)] += k_ * prev[static_cast<std::size_t>(h) + 1];
        if (h > 0) row[static_cast<std::size_t>(h)] += prev[static_cast<std::size_t>(h) - 1];
      }
      rules_.push_back(make_rules(row));
      table_.push_back(std::move(row));
    }
  }

  // Weights of closing (c) and opening (o, any of the k types) at height h when `row` counts the
  // completions after the step; p = c / (o + c).
  BigInt close_weight(const std::vector<BigInt>& row, int h) const {
    return h > 0 ? row[static_cast<std::size_t>(h) - 1] : BigInt(0);
  }
  BigInt total_weight(const std::vector<BigInt>& row, int h) const {
    return close_weight(row, h) + (h < depth_ ? BigInt(k_ * row[static_cast<std::size_t>(h) + 1]) : BigInt(0));
  }
  std::vector<CloseRule> make_rules(const std::vector<BigInt>& row) const {
    std::vector<CloseRule> rules(static_cast<std::size_t>(depth_) + 1);
    for (int h = 0; h <= depth_; ++h) {
      const BigInt c = close_weight(row, h), t = total_weight(row, h);
      auto& rule = rules[static_cast<std::size_t>(h)];
      if (c == 0) rule.kind = CloseRule::kNever;  // also t == 0: never reached while sampling
      else if (c == t) rule.kind = CloseRule::kAlways;
      else rule.floor = static_cast<std::uint64_t>((c << 64) / t);
    }
    return rules;
  }

  // One sampled symbol: the closing bracket of the top of `stack` (popped) when `close`, else an
  // opening bracket of a uniform type (pushed; no draw when k = 1).
  Symbol sample_symbol(bool close, std::vector<Symbol>& stack, Rng& rng) const {
    if (close) {
      const auto symbol = static_cast<Symbol>(2 * stack.back() + 1);
      stack.pop_back();
      return symbol;
    }
    const auto type = static_cast<Symbol>(k_ == 1 ? 0 : rng.uniform_below(static_cast<std::uint64_t>(k_)));
    stack.push_back(type);
    return static_cast<Symbol>(2 * type);
  }

  Word sample_unbounded(int n, Rng& rng) const {
    Word w(static_cast<std::size_t>(n));
    std::vector<Symbol> stack;
    stack.reserve(static_cast<std::size_t>(n) / 2 + 1);
    for (int i = 0; i < n; ++i) {
      const std::uint64_t r = static_cast<std::uint64_t>(n - i), h = stack.size();
      // P(close) = h (r + h + 2) / (2 r (h + 1)).
      const bool close = h > 0 && rng.uniform_below(2 * r * (h + 1)) < h * (r + h + 2);
      w[static_cast<std::size_t>(i)] = sample_symbol(close, stack, rng);
    }
    return w;
  }

  // Exact: a 64-bit draw a decides whenever a != floor(2^64 p); on a tie (probability 2^-64)
  // the fraction left over is settled with an exact BigInt draw.
  Word sample_bounded(int n, Rng& rng) const {
    ensure(n);
    std::shared_lock lock(mutex_);
    Word w(static_cast<std::size_t>(n));
    std::vector<Symbol> stack;
    stack.reserve(static_cast<std::size_t>(depth_));
    for (int i = 0; i < n; ++i) {
      const auto r = static_cast<std::size_t>(n - i - 1);
      const int h = static_cast<int>(stack.size());
      const CloseRule& rule = rules_[r][static_cast<std::size_t>(h)];
      bool close = rule.kind == CloseRule::kAlways;
      if (rule.kind == CloseRule::kCompare) {
        const std::uint64_t a = rng.next();
        if (a == rule.floor) {
          const BigInt c = close_weight(table_[r], h), t = total_weight(table_[r], h);
          close = uniform_below(t, rng) < (c << 64) - BigInt(rule.floor) * t;
        } else {
          close = a < rule.floor;
        }
      }
      w[static_cast<std::size_t>(i)] = sample_symbol(close, stack, rng);
    }
    return w;
  }

  int k_, depth_;
  Alphabet alphabet_;
  mutable std::shared_mutex mutex_;
  mutable std::vector<std::vector<BigInt>> table_;     // bounded depth only: (r, h) completions
  mutable std::vector<std::vector<CloseRule>> rules_;  // bounded depth only: (r, h) closing rule
};

}  // namespace

LanguagePtr make_dyck(const Params& p) {
  p.expect_only({"k", "depth"});
  return std::make_shared<Dyck>(static_cast<int>(p.get_int("k", 1, 8)), static_cast<int>(p.get_int("depth", 1, 100000, 0)));
}

}  // namespace saturn
