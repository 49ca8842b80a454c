// regex -> NFA -> DFA -> minimal DFA agrees with std::regex on every string up to length 10, and
// every step keeps its invariants.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <regex>

#include "automata/compile.h"
#include "automata/complement.h"
#include "automata/determinize.h"
#include "automata/equivalent.h"
#include "automata/minimize.h"
#include "automata/product.h"
#include "automata/regex_to_nfa.h"
#include "automata/trim.h"
#include "core/error.h"
#include "tests/support/automaton_oracles.h"
#include "tests/support/error_message.h"
#include "tests/support/oracles.h"

namespace saturn::automata {
namespace {

using testing::accepts;
using testing::is_minimal;
using testing::is_trim;

const std::vector<std::string> kPatterns = {
    "(ab)*", "a*b*", "(a|b)*abb(a|b)*", "a(ba)*|b+", "(a|b)?a", "((a|b)(a|b))*", "a+b+a+", "(aa|b)*",
    "[ab]*a[ab]", "(a|bb)+", "b*(ab*ab*)*", "(a*b*)*", "a?b?a?b?", "(ab|ba)*", ".*aa.*", "(a|b)*a(a|b)(a|b)",
    "a*|b*", "((ab)*|(ba)*)a", "(b|ab)*a?", "[a-b]+b",
};

TEST(Regex, MinimalDfaAgreesWithStdRegexUpToLength10) {
  const Alphabet ab("ab");
  for (const auto& pattern : kPatterns) {
    const Automaton nfa = regex_to_nfa(pattern, ab);
    const Automaton dfa = determinize(nfa);
    ASSERT_TRUE(is_deterministic(dfa)) << pattern;
    const Automaton min = minimize(dfa);
    ASSERT_TRUE(is_deterministic(min)) << pattern;
    ASSERT_TRUE(is_trim(min)) << pattern;
    ASSERT_TRUE(is_minimal(min)) << pattern;
    EXPECT_TRUE(equivalent(dfa, min)) << pattern;
    const DfaTable table = compile(min);
    const std::regex re(pattern);
    for (int n = 0; n <= 10; ++n)
      for (const auto& s : testing::all_strings("ab", n)) {
        const bool expected = std::regex_match(s, re);
        const Word w = ab.parse(s);
        ASSERT_EQ(table.accepts(w), expected) << pattern << " on '" << s << "'";
        ASSERT_EQ(accepts(nfa, w), expected) << pattern << " (NFA) on '" << s << "'";
      }
  }
}

TEST(Regex, EquivalenceTwoWays) {
  const Alphabet ab("ab");
  auto dfa = [&](const char* p) { return minimize(determinize(regex_to_nfa(p, ab))); };
  // Same language, different patterns.
  EXPECT_TRUE(equivalent(dfa("(a*b*)*"), dfa("(a|b)*")));
  EXPECT_TRUE(equivalent(dfa("(ab)*a"), dfa("a(ba)*")));
  EXPECT_FALSE(equivalent(dfa("(ab)*"), dfa("(ab)+")));
  // Minimal DFAs of equivalent patterns have equal state counts (uniqueness of the minimal DFA).
  EXPECT_EQ(dfa("(a*b*)*").num_states(), dfa("(a|b)*").num_states());
  // Complement and intersection: L ∩ not(L) is empty, L ∪ not(L) is everything.
  const Automaton l = dfa("(a|b)*abb(a|b)*");
  EXPECT_TRUE(is_empty(product(l, complement(l), ProductOp::intersection)));
  EXPECT_TRUE(equivalent(product(l, complement(l), ProductOp::union_), dfa("(a|b)*")));
}

TEST(Regex, MalformedPatternsNameTheColumn) {
  const Alphabet ab("ab");
  auto message = [&](const char* p) { return testing::error_message([&] { regex_to_nfa(p, ab); }); };
  EXPECT_EQ(message("(ab"), "regex '(ab': missing ')' at column 4");
  EXPECT_EQ(message("ab)"), "regex 'ab)': unbalanced ')' at column 3");
  EXPECT_EQ(message("*a"), "regex '*a': nothing to repeat at column 1");
  EXPECT_EQ(message("ac"), "regex 'ac': 'c' is not in the alphabet \"ab\" at column 2");
  EXPECT_EQ(message("[ab"), "regex '[ab': missing ']' at column 4");
  EXPECT_EQ(message("a\\"), "regex 'a\\': dangling backslash at column 3");
  EXPECT_EQ(message("a[b-a]"), "regex 'a[b-a]': empty character range 'b-a' at column 3");
  EXPECT_EQ(message("[]"), "regex '[]': empty character class at column 3");
  EXPECT_EQ(message("a|*"), "regex 'a|*': nothing to repeat at column 3");
}

// The parser recurses once per group: nesting is capped at kMaxRegexNesting with an error naming
// the limit (30000 nested groups used to overflow the stack). A long pattern is abbreviated.
TEST(Regex, NestingBeyondTheLimitIsAnErrorNotAStackOverflow) {
  const Alphabet ab("ab");
  auto nested = [](int depth) { return std::string(depth, '(') + "a" + std::string(depth, ')'); };
  const Automaton deepest = regex_to_nfa(nested(kMaxRegexNesting), ab);
  EXPECT_TRUE(accepts(deepest, Word{0}));
  EXPECT_FALSE(accepts(deepest, Word{0, 0}));
  const auto over = nested(kMaxRegexNesting + 1);
  EXPECT_EQ(testing::error_message([&] { regex_to_nfa(over, ab); }),
            fmt::format("regex '{}...' ({} characters): groups nested more than {} deep (the limit, "
                        "kMaxRegexNesting) at column {}",
                        std::string(60, '('), over.size(), kMaxRegexNesting, kMaxRegexNesting + 1));
  const auto hostile = nested(30000);
  EXPECT_THROW(regex_to_nfa(hostile, ab), Error);
  EXPECT_THROW(regex_to_nfa(std::string(30000, '('), ab), Error);  // unclosed as well
}

TEST(Regex, EscapesClassesAndDotAgreeWithStdRegex) {
  const Alphabet alphabet("*.abc");
  for (const char* pattern : {"\\*a*", "[a-c]*\\*", ".*c", "a.b", "[*a]b", "(\\*|c)+", "\\.\\.?", "[.b-c]+",
                              "[\\*a]*"}) {
    const DfaTable table = compile(minimize(determinize(regex_to_nfa(pattern, alphabet))));
    const std::regex re(pattern);
    for (int n = 0; n <= 6; ++n)
      for (const auto& s : testing::all_strings(alphabet.chars(), n))
        ASSERT_EQ(table.accepts(alphabet.parse(s)), std::regex_match(s, re)) << pattern << " on '" << s << "'";
  }
}

TEST(Regex, LiteralsGiveTheDefaultAlphabet) {
  EXPECT_EQ(regex_literals("(a|b)*abb"), "ab");
  EXPECT_EQ(regex_literals("[a-c]x\\*"), "*abcx");
}

}  // namespace
}  // namespace saturn::automata
