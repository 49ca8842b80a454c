#include "languages/boolean.h"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "core/error.h"

namespace saturn {

namespace {

BigInt power(int base, int n) { return boost::multiprecision::pow(BigInt(base), static_cast<unsigned>(n)); }

// and / or: state = [alive_a, alive_b, |sa|, sa..., sb...].
class Product : public Language {
 public:
  Product(LanguagePtr a, LanguagePtr b, bool is_union) : a_(std::move(a)), b_(std::move(b)), union_(is_union) {
    if (!(a_->alphabet() == b_->alphabet()))
      throw Error(fmt::format("{}: the languages have different alphabets (\"{}\" and \"{}\")", spec(),
                              a_->alphabet().chars(), b_->alphabet().chars()));
  }
  std::string spec() const override { return fmt::format("{}({};{})", union_ ? "or" : "and", a_->spec(), b_->spec()); }
  std::string description() const override {
    return fmt::format("{} {} {}", a_->spec(), union_ ? "union" : "intersected with", b_->spec());
  }
  const Alphabet& alphabet() const override { return a_->alphabet(); }
  int max_length() const override { return std::min(a_->max_length(), b_->max_length()); }

  LangState start() const override { return join(true, a_->start(), true, b_->start()); }
  bool step(LangState& s, Symbol a) const override {
    auto [alive_a, sa, alive_b, sb] = split(s);
    alive_a = alive_a && a_->step(sa, a);
    alive_b = alive_b && b_->step(sb, a);
    if (union_ ? !(alive_a || alive_b) : !(alive_a && alive_b)) return false;
    s = join(alive_a, sa, alive_b, sb);
    return true;
  }
  bool accepting(const LangState& s) const override {
    const auto [alive_a, sa, alive_b, sb] = split(s);
    const bool x = alive_a && a_->accepting(sa), y = alive_b && b_->accepting(sb);
    return union_ ? (x || y) : (x && y);
  }
  bool live(const LangState& s) const override {
    const auto [alive_a, sa, alive_b, sb] = split(s);
    if (union_) return (alive_a && a_->live(sa)) || (alive_b && b_->live(sb));
    for (int r = 0; r <= kLiveHorizon; ++r)
      if (completions(s, r) > 0) return true;
    return false;
  }
  BigInt completions(const LangState& s, int r) const override {
    std::lock_guard lock(mutex_);
    return dp(s, r);
  }

 private:
  static LangState join(bool alive_a, const LangState& sa, bool alive_b, const LangState& sb) {
    LangState s{alive_a, alive_b, static_cast<std::int64_t>(sa.size())};
    s.insert(s.end(), sa.begin(), sa.end());
    s.insert(s.end(), sb.begin(), sb.end());
    return s;
  }
  static std::tuple<bool, LangState, bool, LangState> split(const LangState& s) {
    const auto na = static_cast<std::ptrdiff_t>(s[2]);
    return {s[0] != 0, LangState(s.begin() + 3, s.begin() + 3 + na), s[1] != 0, LangState(s.begin() + 3 + na, s.end())};
  }
  // Memoised completions; the caller holds mutex_.
  BigInt dp(const LangState& s, int r) const {
    LangState key = s;
    key.push_back(r);
    if (const auto it = memo_.find(key); it != memo_.end()) return it->second;
    BigInt total = 0;
    if (r == 0) {
      total = accepting(s) ? 1 : 0;
    } else {
      const auto [alive_a, sa, alive_b, sb] = split(s);
      if (union_ && !alive_b) total = a_->completions(sa, r);       // only A can still accept
      else if (union_ && !alive_a) total = b_->completions(sb, r);  // only B can still accept
      else
        for (int a = 0; a < alphabet().size(); ++a) {
          LangState t = s;
          if (step(t, static_cast<Symbol>(a))) total += dp(t, r - 1);
        }
    }
    memo_.emplace(std::move(key), total);
    return total;
  }

  LanguagePtr a_, b_;
  bool union_;
  mutable std::mutex mutex_;
  mutable std::unordered_map<LangState, BigInt, LangStateHash> memo_;
};

// not: state = [alive, s...]; a dead operand state accepts every continuation.
class Complement : public Language {
 public:
  explicit Complement(LanguagePtr a) : a_(std::move(a)) {}
  std::string spec() const override { return fmt::format("not({})", a_->spec()); }
  std::string description() const override { return fmt::format("the complement of {}", a_->spec()); }
  const Alphabet& alphabet() const override { return a_->alphabet(); }
  int max_length() const override { return a_->max_length(); }
  LangState start() const override {
    LangState s{1};
    const auto sa = a_->start();
    s.insert(s.end(), sa.begin(), sa.end());
    return s;
  }
  bool step(LangState& s, Symbol a) const override {
    if (s[0] == 0) return true;
    LangState sa(s.begin() + 1, s.end());
    if (!a_->step(sa, a)) {
      s = {0};
      return true;
    }
    s.resize(1);
    s.insert(s.end(), sa.begin(), sa.end());
    return true;
  }
  bool accepting(const LangState& s) const override { return s[0] == 0 || !a_->accepting(LangState(s.begin() + 1, s.end())); }
  BigInt completions(const LangState& s, int r) const override {
    const BigInt all = power(alphabet().size(), r);
    return s[0] == 0 ? all : all - a_->completions(LangState(s.begin() + 1, s.end()), r);
  }
  bool live(const LangState& s) const override {
    for (int r = 0; r <= kLiveHorizon; ++r)
      if (completions(s, r) > 0) return true;
    return false;
  }

 private:
  LanguagePtr a_;
};

}  // namespace

LanguagePtr make_intersection(LanguagePtr a, LanguagePtr b) { return std::make_shared<Product>(std::move(a), std::move(b), false); }
LanguagePtr make_union(LanguagePtr a, LanguagePtr b) { return std::make_shared<Product>(std::move(a), std::move(b), true); }
LanguagePtr make_complement(LanguagePtr a) { return std::make_shared<Complement>(std::move(a)); }

}  // namespace saturn
