#include "languages/counter.h"

#include <fmt/format.h>

#include "core/error.h"

namespace saturn {

namespace {

class Counter : public Language {
 public:
  Counter(int m, std::string spec) : m_(m), spec_(std::move(spec)), alphabet_(std::string("abcdefgh").substr(0, static_cast<std::size_t>(m))) {}

  std::string spec() const override { return spec_; }
  std::string description() const override {
    std::string s;
    for (int i = 0; i < m_; ++i) s += fmt::format("{}^n ", alphabet_.symbol_char(static_cast<Symbol>(i)));
    return s + "(n >= 0)";
  }
  const Alphabet& alphabet() const override { return alphabet_; }

  // State {phase, n, j}: in phase 0 n counts the first letter; in phase p > 0, j letters of
  // letter p have been read.
  LangState start() const override { return {0, 0, 0}; }
  bool step(LangState& s, Symbol a) const override {
    auto& phase = s[0];
    auto& n = s[1];
    auto& j = s[2];
    if (a == phase) {
      if (phase == 0) return ++n, true;
      if (j >= n) return false;
      return ++j, true;
    }
    // The next letter may start once the current phase is complete (and n > 0).
    if (a != phase + 1 || n == 0 || (phase > 0 && j != n)) return false;
    phase = a;
    j = 1;
    return true;
  }
  bool accepting(const LangState& s) const override {
    const auto phase = s[0], n = s[1], j = s[2];
    return m_ == 1 ? true : (n == 0 || (phase == m_ - 1 && j == n));
  }
  bool live(const LangState&) const override { return true; }
  BigInt completions(const LangState& s, int r) const override {
    const auto phase = s[0], n = s[1], j = s[2];
    if (m_ == 1) return 1;
    if (phase == 0) {
      // Continue to n' >= n letters a, then (m-1) n' more: r = (n' - n) + (m - 1) n'.
      return (r + n) % m_ == 0 && (r + n) / m_ >= n ? 1 : 0;
    }
    return r == (n - j) + (m_ - 1 - phase) * n ? 1 : 0;
  }

  // The only member of length n (when m divides n): each letter n/m times.
  Word sample_member(int n, Rng&) const override {
    check_length(*this, n);
    if (n < 0 || n % m_ != 0) throw NoMembersError(fmt::format("{} has no members of length {}", spec_, n));
    Word w(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) w[static_cast<std::size_t>(i)] = static_cast<Symbol>(i / (n / m_));
    return w;
  }

 private:
  int m_;
  std::string spec_;
  Alphabet alphabet_;
};

}  // namespace

LanguagePtr make_anbn(const Params& p) {
  p.expect_only({});
  return std::make_shared<Counter>(2, "anbn");
}

LanguagePtr make_anbncn(const Params& p) {
  p.expect_only({});
  return std::make_shared<Counter>(3, "anbncn");
}

LanguagePtr make_counter(const Params& p) {
  p.expect_only({"m"});
  const int m = static_cast<int>(p.get_int("m", 1, 8));
  return std::make_shared<Counter>(m, fmt::format("counter:m={}", m));
}

}  // namespace saturn
