#include "languages/regular_families.h"

#include <fmt/format.h>

#include "automata/automaton.h"
#include "languages/regular.h"

namespace saturn {

namespace {
// Counts 1s modulo m; accepts residue r.
DfaSpec mod_counter(long m, long r) {
  DfaSpec d{"01", static_cast<int>(m), 0, {static_cast<int>(r)}, {}};
  for (int q = 0; q < m; ++q) {
    d.transitions.emplace_back(q, '0', q);
    d.transitions.emplace_back(q, '1', static_cast<int>((q + 1) % m));
  }
  return d;
}
}  // namespace

LanguagePtr make_parity(const Params& p) {
  p.expect_only({});
  return std::make_shared<RegularLanguage>("parity", "binary strings with an odd number of 1s",
                                           automaton_from_spec(mod_counter(2, 1)));
}

LanguagePtr make_modcount(const Params& p) {
  p.expect_only({"m", "r"});
  const long m = p.get_int("m", 1, 1000);
  const long r = p.get_int("r", 0, m - 1, 0);
  return std::make_shared<RegularLanguage>(fmt::format("modcount:m={},r={}", m, r),
                                           fmt::format("binary strings whose number of 1s is {} modulo {}", r, m),
                                           automaton_from_spec(mod_counter(m, r)));
}

LanguagePtr make_aa_star(const Params& p) {
  p.expect_only({});
  const DfaSpec d{"a", 2, 0, {0}, {{0, 'a', 1}, {1, 'a', 0}}};
  return std::make_shared<RegularLanguage>("aa_star", "(aa)*: even-length strings of a", automaton_from_spec(d));
}

LanguagePtr make_first(const Params& p) {
  p.expect_only({});
  const DfaSpec d{"01", 2, 0, {1}, {{0, '1', 1}, {1, '0', 1}, {1, '1', 1}}};
  return std::make_shared<RegularLanguage>("first", "binary strings that start with 1", automaton_from_spec(d));
}

}  // namespace saturn
