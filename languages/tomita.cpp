#include "languages/tomita.h"

#include <fmt/format.h>

#include "automata/automaton.h"
#include "languages/regular.h"

namespace saturn {

namespace {

// Each grammar as a (not necessarily minimal) DFA written from its definition.
DfaSpec tomita_dfa(long n) {
  switch (n) {
    case 1: return {"01", 1, 0, {0}, {{0, '1', 0}}};
    case 2: return {"01", 2, 0, {0}, {{0, '1', 1}, {1, '0', 0}}};
    case 3:
      // 0: safe; 1: odd run of 1s; 2: even run of 1s; 3: odd run of 0s after an odd run of 1s;
      // 4: even run of 0s after an odd run of 1s. A 1 in state 3 completes the forbidden pattern;
      // ending in state 3 leaves it complete too.
      return {"01", 5, 0, {0, 1, 2, 4},
              {{0, '0', 0}, {0, '1', 1}, {1, '1', 2}, {1, '0', 3}, {2, '1', 1}, {2, '0', 0}, {3, '0', 4}, {4, '0', 3},
               {4, '1', 1}}};
    case 4:  // state = length of the current run of 0s (0..2)
      return {"01", 3, 0, {0, 1, 2}, {{0, '0', 1}, {1, '0', 2}, {0, '1', 0}, {1, '1', 0}, {2, '1', 0}}};
    case 5:  // (parity of 0s, parity of 1s)
      return {"01", 4, 0, {0}, {{0, '0', 1}, {1, '0', 0}, {2, '0', 3}, {3, '0', 2}, {0, '1', 2}, {2, '1', 0}, {1, '1', 3}, {3, '1', 1}}};
    case 6:  // #0 - #1 mod 3
      return {"01", 3, 0, {0}, {{0, '0', 1}, {1, '0', 2}, {2, '0', 0}, {0, '1', 2}, {1, '1', 0}, {2, '1', 1}}};
    default:  // 7: phases of 0*1*0*1*
      return {"01", 4, 0, {0, 1, 2, 3}, {{0, '0', 0}, {0, '1', 1}, {1, '1', 1}, {1, '0', 2}, {2, '0', 2}, {2, '1', 3}, {3, '1', 3}}};
  }
}

const char* tomita_description(long n) {
  static const char* d[] = {"", "1*", "(10)*", "no odd block of 1s directly followed by an odd block of 0s", "no 000",
                            "even number of 0s and of 1s", "#0 - #1 divisible by 3", "0*1*0*1*"};
  return d[n];
}

}  // namespace

LanguagePtr make_tomita(const Params& p) {
  p.expect_only({"n"});
  const long n = p.get_int("n", 1, 7);
  return std::make_shared<RegularLanguage>(fmt::format("tomita:n={}", n),
                                           fmt::format("Tomita {}: {}", n, tomita_description(n)),
                                           automaton_from_spec(tomita_dfa(n)));
}

}  // namespace saturn
