// The common acceptor of copy (w#w) and reverse (w#w^R) over "ab#": read w, then '#', then w or
// its reverse. State: {phase, matched, w[0], w[1], ...}.
#pragma once

#include "languages/language.h"

namespace saturn {

class MarkedPair : public Language {
 public:
  explicit MarkedPair(bool reversed) : reversed_(reversed) {}
  std::string spec() const override { return reversed_ ? "reverse" : "copy"; }
  std::string description() const override { return reversed_ ? "w#w^R for w in {a,b}*" : "w#w for w in {a,b}*"; }
  const Alphabet& alphabet() const override { return alphabet_; }
  LangState start() const override { return {0, 0}; }
  bool step(LangState& s, Symbol a) const override;
  bool accepting(const LangState& s) const override { return s[0] == 1 && s[1] == static_cast<std::int64_t>(s.size()) - 2; }
  bool live(const LangState&) const override { return true; }
  BigInt completions(const LangState& s, int r) const override;
  // Exactly uniform: w uniform of length (n - 1) / 2, then '#', then w or its reverse.
  Word sample_member(int n, Rng& rng) const override;

 private:
  bool reversed_;
  Alphabet alphabet_{"ab#"};
};

}  // namespace saturn
