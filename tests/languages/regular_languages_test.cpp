// The regular languages (regex, Tomita, parity, (aa)*, modcount, first, YAML DFA): the fast
// DFA-table overrides of RegularLanguage agree with the generic base-class algorithms and with the
// brute-force oracles; minimal DFA sizes; canonical specs; parameter errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "core/error.h"
#include "languages/registry.h"
#include "languages/regular.h"
#include "tests/support/error_message.h"
#include "tests/support/oracles.h"

namespace saturn {
namespace {

const RegularLanguage& regular(const LanguagePtr& lang) {
  const auto* r = dynamic_cast<const RegularLanguage*>(lang.get());
  if (r == nullptr) throw Error(lang->spec() + " is not a RegularLanguage");
  return *r;
}

struct RegularCase {
  std::string spec;
  int minimal_states;      // trim minimal DFA (no dead state)
  std::string own_oracle = {};  // std::regex oracle when testing::oracle_for cannot read the spec
};

const std::vector<RegularCase> kCases = {
    {"parity", 2},
    {"aa_star", 2},
    {"modcount:m=3,r=1", 3},
    {"modcount:m=5,r=0", 5},
    {"first", 2},
    {"tomita:n=1", 1},
    {"tomita:n=2", 2},
    {"tomita:n=3", 4},
    {"tomita:n=4", 3},
    {"tomita:n=5", 4},
    {"tomita:n=6", 3},
    {"tomita:n=7", 4},
    {"regex:pattern=(a|b)*abb(a|b)*", 4},
    {"regex:pattern=a*,alphabet=ab", 1, "a*"},
};

TEST(RegularLanguages, FastOverridesEqualTheGenericAlgorithms) {
  for (const auto& c : kCases) {
    const auto lang = make_language(c.spec);
    const RegularLanguage& r = regular(lang);
    const Language& base = r;
    testing::Oracle oracle = testing::oracle_for(c.spec);
    if (!c.own_oracle.empty()) {
      const std::regex re(c.own_oracle);
      oracle = [re](const std::string& w) { return std::regex_match(w, re); };
    }
    ASSERT_TRUE(oracle) << c.spec;
    const std::string chars = lang->alphabet().chars();
    for (int n = 0; n <= 10; ++n) {
      long members = 0;
      for (const auto& s : testing::all_strings(chars, n)) {
        const Word w = lang->alphabet().parse(s);
        const bool in = r.contains(w);
        members += in;
        ASSERT_EQ(in, base.Language::contains(w)) << c.spec << " '" << s << "'";
        ASSERT_EQ(in, oracle(s)) << c.spec << " '" << s << "'";
        ASSERT_EQ(r.next_symbols(w), base.Language::next_symbols(w)) << c.spec << " '" << s << "'";
      }
      ASSERT_EQ(r.count(n), members) << c.spec << " n=" << n;
      ASSERT_EQ(r.count(n), base.Language::count(n)) << c.spec << " n=" << n;
    }
    EXPECT_EQ(r.count(-1), 0) << c.spec;
  }
}

TEST(RegularLanguages, MinimalDfaSizes) {
  for (const auto& c : kCases) {
    const auto lang = make_language(c.spec);
    EXPECT_EQ(regular(lang).table().num_states, c.minimal_states) << c.spec;
  }
}

TEST(RegularLanguages, SampledMembersAreMembersAndLongLengthsWork) {
  Rng rng(11);
  for (const auto& c : kCases) {
    const auto lang = make_language(c.spec);
    for (int n : {0, 1, 7, 64, 65, 500}) {
      if (lang->count(n) == 0) {
        EXPECT_THROW(lang->sample_member(n, rng), NoMembersError) << c.spec << " n=" << n;
        continue;
      }
      for (int k = 0; k < 5; ++k) {
        const Word w = lang->sample_member(n, rng);
        ASSERT_EQ(static_cast<int>(w.size()), n);
        ASSERT_TRUE(lang->contains(w)) << c.spec << " n=" << n;
      }
      if (lang->count_nonmembers(n) > 0) {
        EXPECT_FALSE(lang->contains(lang->sample_nonmember(n, rng))) << c.spec;
      }
    }
  }
  try {
    make_language("aa_star")->sample_member(3, rng);
    ADD_FAILURE() << "no exception";
  } catch (const NoMembersError& e) {
    EXPECT_STREQ(e.what(), "aa_star has no members of length 3");
  }
}

TEST(RegularLanguages, ClosedFormCounts) {
  // parity and first: 2^(n-1) for n >= 1; (aa)*: 1 on even n; modcount m=3, r=1: the sum of the
  // binomials C(n, k) over k = 1 (mod 3).
  const auto parity = make_language("parity"), first = make_language("first"), aa = make_language("aa_star");
  const auto mod = make_language("modcount:m=3,r=1");
  for (int n = 1; n <= 200; n += 37) {
    EXPECT_EQ(parity->count(n), BigInt(1) << (n - 1));
    EXPECT_EQ(first->count(n), BigInt(1) << (n - 1));
    EXPECT_EQ(aa->count(n), n % 2 == 0 ? 1 : 0);
    BigInt binomial = 1, sum = 0;  // C(n, k)
    for (int k = 0; k <= n; ++k) {
      if (k % 3 == 1) sum += binomial;
      binomial = binomial * (n - k) / (k + 1);
    }
    EXPECT_EQ(mod->count(n), sum) << n;
  }
}

TEST(RegularLanguages, CanonicalSpecsAndParameterErrors) {
  EXPECT_EQ(make_language("tomita:n=3")->spec(), "tomita:n=3");
  EXPECT_EQ(make_language("modcount:m=4")->spec(), "modcount:m=4,r=0");
  EXPECT_EQ(make_language("regex:pattern=(ab)*")->alphabet().chars(), "ab");
  EXPECT_EQ(make_language("regex:pattern=a*,alphabet=ab")->spec(), "regex:pattern=a*,alphabet=ab");
  EXPECT_THROW(make_language("tomita:n=8"), Error);
  EXPECT_THROW(make_language("tomita"), Error);
  EXPECT_THROW(make_language("modcount:m=3,r=3"), Error);
  EXPECT_THROW(make_language("parity:k=1"), Error);
  EXPECT_THROW(make_language("regex:pattern=.*"), Error);  // no literal symbols and no alphabet
  EXPECT_THROW(make_language("regex:pattern=(ab"), Error);
  EXPECT_THROW(make_language("regex:pattern=abc,alphabet=ab"), Error);
  EXPECT_THROW(make_language("dfa:file=/nonexistent/saturn.yaml"), InputError);
}

// A regex whose DFA needs more states than the budget (max_states, default 100000) is refused
// naming the pattern and the budget; max_states raises or lowers it and is kept in the spec.
TEST(RegularLanguages, RegexDfaStateBudget) {
  std::string copies;
  for (int i = 0; i < 18; ++i) copies += "(a|b)";
  EXPECT_EQ(testing::error_message([&] { make_language("regex:pattern=(a|b)*a" + copies); }),
            "regex '(a|b)*a" + copies +
                "': its DFA needs more than 100000 states (the budget; raise it with max_states=N, up to 100000000)");
  // (a|b)*a(a|b)(a|b): 8 minimal states, and fewer than 16 subsets.
  const auto fits = make_language("regex:pattern=(a|b)*a(a|b)(a|b),max_states=16");
  EXPECT_EQ(fits->spec(), "regex:pattern=(a|b)*a(a|b)(a|b),max_states=16");
  EXPECT_EQ(fits->count(5), 16);  // 2^5 / 2
  EXPECT_EQ(testing::error_message([] { make_language("regex:pattern=(a|b)*a(a|b)(a|b),max_states=4"); }),
            "regex '(a|b)*a(a|b)(a|b)': its DFA needs more than 4 states (the budget; raise it with max_states=N, up "
            "to 100000000)");
  EXPECT_EQ(testing::error_message([] { make_language("regex:pattern=a,max_states=0"); }),
            "language 'regex': parameter 'max_states' = 0 is outside 1..100000000");
}

TEST(RegularLanguages, DfaFileWithMissingTransitions) {
  // Strings over {a, b} whose number of b's is divisible by 3, with a missing transition: after
  // "aa" everything is dead (so the language is b-count % 3 == 0 and no "aa").
  const auto path = std::filesystem::temp_directory_path() / "saturn_regular_languages_test.yaml";
  std::ofstream(path) << "alphabet: ab\nstart: s0\naccepting: [s0, t0]\ntransitions:\n"
                         "  s0: {a: t0, b: s1}\n  s1: {a: t1, b: s2}\n  s2: {a: t2, b: s0}\n"
                         "  t0: {b: s1}\n  t1: {b: s2}\n  t2: {b: s0}\n";
  const auto from_file = make_language("dfa:file=" + path.string());
  const auto check = [](const std::string& s) {
    long bs = 0;
    for (char c : s) bs += c == 'b';
    return bs % 3 == 0 && s.find("aa") == std::string::npos;
  };
  for (int n = 0; n <= 10; ++n)
    for (const auto& s : testing::all_strings("ab", n))
      ASSERT_EQ(from_file->contains(from_file->alphabet().parse(s)), check(s)) << s;
  EXPECT_EQ(regular(from_file).table().num_states, 6);
}

}  // namespace
}  // namespace saturn
