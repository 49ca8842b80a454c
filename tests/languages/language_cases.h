// The languages every generic test runs over, with the lengths brute force can afford.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <ostream>
#include <string>
#include <vector>

#include "languages/registry.h"
#include "tests/support/oracles.h"

namespace saturn::testing {

struct LanguageCase {
  std::string spec;
  int max_n;         // brute-force enumeration up to this length
  int prefix_max;    // next_symbols: prefixes up to this length
  int horizon;       // next_symbols: members up to prefix + 1 + horizon symbols
};

// gtest shows a case by its spec (not its bytes).
inline void PrintTo(const LanguageCase& c, std::ostream* os) { *os << c.spec; }

// What a generic test opens for a case: the language, its oracle (empty when there is none) and
// its alphabet's characters.
struct OpenCase {
  LanguagePtr lang;
  Oracle oracle;
  std::string sigma;
};
inline OpenCase open_case(const LanguageCase& c) {
  auto lang = make_language(c.spec);
  std::string sigma = lang->alphabet().chars();
  return {std::move(lang), oracle_for(c.spec), std::move(sigma)};
}

// A test name for a case: the spec with every non-alphanumeric character as '_', then the index.
inline std::string case_name(const ::testing::TestParamInfo<LanguageCase>& info) {
  std::string name;
  for (char ch : info.param.spec) name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return name + "_" + std::to_string(info.index);
}

inline std::vector<LanguageCase> language_cases() {
  return {
      {"dyck:k=1", 12, 6, 7},
      {"dyck:k=2", 8, 4, 5},
      {"dyck:k=2,depth=2", 8, 4, 5},
      {"dyck:k=3", 6, 3, 4},
      {"dyck:k=5,depth=1", 6, 2, 2},
      {"dyck:k=8", 4, 1, 2},
      {"shuffle_dyck:k=1", 12, 6, 7},
      {"shuffle_dyck:k=2", 8, 4, 5},
      {"shuffle_dyck:k=8", 4, 1, 2},
      {"anbn", 12, 5, 7},
      {"anbncn", 10, 2, 7},
      {"counter:m=4", 7, 1, 6},
      {"parity", 12, 6, 2},
      {"majority", 12, 5, 7},
      {"aa_star", 12, 6, 2},
      {"modcount:m=3,r=1", 12, 6, 3},
      {"tomita:n=1", 12, 6, 2},
      {"tomita:n=2", 12, 6, 2},
      {"tomita:n=3", 12, 6, 3},
      {"tomita:n=4", 12, 6, 3},
      {"tomita:n=5", 12, 6, 3},
      {"tomita:n=6", 12, 6, 3},
      {"tomita:n=7", 12, 6, 3},
      {"first", 12, 6, 2},
      {"copy", 9, 4, 6},
      {"reverse", 9, 4, 6},
      {"palindrome", 12, 6, 7},
      {"regex:pattern=(a|b)*abb(a|b)*", 12, 6, 4},
      {"regex:pattern=a(ba)*|b+", 12, 6, 3},
      {"regex:pattern=a*,alphabet=ab", 12, 6, 2},
      {"and(majority;parity)", 12, 5, 8},
      {"or(anbn;palindrome)", 12, 6, 7},
      {"not(dyck:k=1)", 12, 6, 3},
      {"or(tomita:n=3;not(majority))", 12, 6, 8},
      {"and(dyck:k=2,depth=2;not(shuffle_dyck:k=2))", 8, 3, 2},  // empty: Dyck words are Shuffle-Dyck
  };
}

}  // namespace saturn::testing
