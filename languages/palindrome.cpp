#include "languages/palindrome.h"

#include <fmt/format.h>

#include "core/error.h"

namespace saturn {

namespace {

class Palindrome : public Language {
 public:
  std::string spec() const override { return "palindrome"; }
  std::string description() const override { return "palindromes over {a,b}"; }
  const Alphabet& alphabet() const override { return alphabet_; }
  LangState start() const override { return {}; }
  bool step(LangState& s, Symbol a) const override {
    s.push_back(a);
    return true;
  }
  bool accepting(const LangState& s) const override {
    for (std::size_t i = 0, j = s.size(); i + 1 < j; ++i, --j)
      if (s[i] != s[j - 1]) return false;
    return true;
  }
  bool live(const LangState&) const override { return true; }
  // Total length L = j + r: position i and L-1-i must agree. Pairs with a position in the prefix
  // are forced (and must be consistent); the other ceil(L/2) - j pairs are free.
  BigInt completions(const LangState& s, int r) const override {
    const auto j = static_cast<long>(s.size());
    const long L = j + r;
    for (long i = 0; i < j; ++i) {
      const long mirror = L - 1 - i;
      if (mirror < j && s[static_cast<std::size_t>(i)] != s[static_cast<std::size_t>(mirror)]) return 0;
    }
    const long free = std::max(0L, (L + 1) / 2 - j);
    return BigInt(1) << static_cast<unsigned>(free);
  }

  // Exactly uniform: the first ceil(n/2) symbols uniformly, the rest their mirror image.
  Word sample_member(int n, Rng& rng) const override {
    check_length(*this, n);
    if (n < 0) throw NoMembersError(fmt::format("palindrome has no members of length {}", n));
    Word w(static_cast<std::size_t>(n));
    for (int i = 0; i < (n + 1) / 2; ++i) {
      const auto a = static_cast<Symbol>(rng.uniform_below(2));
      w[static_cast<std::size_t>(i)] = a;
      w[static_cast<std::size_t>(n - 1 - i)] = a;
    }
    return w;
  }

 private:
  Alphabet alphabet_{"ab"};
};

}  // namespace

LanguagePtr make_palindrome(const Params& p) {
  p.expect_only({});
  return std::make_shared<Palindrome>();
}

}  // namespace saturn
