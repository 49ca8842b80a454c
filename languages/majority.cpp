#include "languages/majority.h"

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
  // Words of length r with x ones and final difference d + 2x - r > 0.
  BigInt completions(const LangState& s, int r) const override {
    BigInt total = 0;
    for (int x = 0; x <= r; ++x)
      if (s[0] + 2 * x - r > 0) total += binomial(r, x);
    return total;
  }

 private:
  Alphabet alphabet_{"01"};
};

}  // namespace

LanguagePtr make_majority(const Params& p) {
  p.expect_only({});
  return std::make_shared<Majority>();
}

}  // namespace saturn
