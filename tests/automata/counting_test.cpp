// DFA counting equals brute force; the DFA sampler is uniform; Tomita minimal DFAs have their
// known sizes; YAML DFAs load or fail with located messages; DOT output has the expected edges.
#include <gtest/gtest.h>

#include <boost/math/distributions/chi_squared.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "automata/compile.h"
#include "automata/determinize.h"
#include "automata/dfa_counter.h"
#include "automata/dot.h"
#include "automata/minimize.h"
#include "automata/regex_to_nfa.h"
#include "core/error.h"
#include "languages/registry.h"
#include "languages/regular.h"
#include "tests/support/error_message.h"
#include "tests/support/oracles.h"

namespace saturn::automata {
namespace {

TEST(DfaCounting, CountsEqualBruteForce) {
  const Alphabet ab("ab");
  for (const char* p : {"(a|b)*abb(a|b)*", "(ab)*", "(aa|b)*", "a*b*"}) {
    const DfaCounter counter(compile(minimize(determinize(regex_to_nfa(p, ab)))));
    for (int n = 0; n <= 12; ++n) {
      long brute = 0;
      for (const auto& s : testing::all_strings("ab", n)) brute += counter.table().accepts(ab.parse(s));
      EXPECT_EQ(counter.count(n), brute) << p << " n=" << n;
    }
  }
}

TEST(DfaCounting, SamplerIsUniform) {
  const Alphabet ab("ab");
  const DfaCounter counter(compile(minimize(determinize(regex_to_nfa("(a|b)*abb(a|b)*", ab)))));
  const int n = 7;
  std::map<Word, long> hist;
  for (const auto& s : testing::all_strings("ab", n))
    if (counter.table().accepts(ab.parse(s))) hist[ab.parse(s)] = 0;
  Rng rng(3);
  const long per = 100;
  for (long i = 0; i < per * static_cast<long>(hist.size()); ++i) ++hist.at(counter.sample(n, rng));
  double chi2 = 0;
  for (const auto& [_, obs] : hist) chi2 += (obs - per) * (obs - per) / static_cast<double>(per);
  EXPECT_LT(chi2, boost::math::quantile(boost::math::chi_squared(static_cast<double>(hist.size() - 1)), 0.999));
}

TEST(Tomita, MinimalDfaSizesAreTheKnownOnes) {
  // States of the minimal complete DFAs (dead state included): 2, 3, 5, 4, 4, 3, 5, the sizes
  // tabulated for the Tomita grammars in the RNN-extraction literature (e.g. Wang et al. 2018,
  // "An empirical evaluation of rule extraction from recurrent neural networks"), and derived
  // here by Myhill-Nerode classes:
  //   1 (1*): {accepting, dead} = 2.          2 ((10)*): {even, after 1, dead} = 3.
  //   3: {safe, odd run of 1s, odd 0-run after odd 1-run (rejecting: it may not end there),
  //       even 0-run after odd 1-run, dead} = 5 (an even run of 1s behaves like "safe").
  //   4 (no 000): {0, 1, 2 trailing 0s, dead} = 4.   5: parity pairs = 4.   6: residues mod 3 = 3.
  //   7 (0*1*0*1*): {phase 1..4, dead} = 5.
  const int expected[] = {2, 3, 5, 4, 4, 3, 5};
  for (int n = 1; n <= 7; ++n) {
    const auto lang = make_language("tomita:n=" + std::to_string(n));
    const auto* regular = dynamic_cast<const RegularLanguage*>(lang.get());
    ASSERT_NE(regular, nullptr);
    EXPECT_EQ(complete_minimal_size(regular->automaton()), expected[n - 1]) << "Tomita " << n;
  }
}

std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path.string();
}

TEST(DfaYaml, LoadsATable) {
  const auto file = write_temp("saturn_parity.yaml",
                               "alphabet: \"01\"\nstart: even\naccepting: [odd]\ntransitions:\n"
                               "  even: {\"0\": even, \"1\": odd}\n  odd: {\"0\": odd, \"1\": even}\n");
  const auto lang = make_language("dfa:file=" + file);
  EXPECT_EQ(lang->count(10), 512);
  EXPECT_TRUE(lang->contains(lang->alphabet().parse("0100")));
}

TEST(DfaYaml, MalformedFilesAreLocated) {
  auto message = [](const std::string& text) {
    const auto file = write_temp("saturn_bad.yaml", text);
    const std::string m = testing::error_message([&] { make_language("dfa:file=" + file); });
    return m.empty() ? m : m.substr(m.find("saturn_bad.yaml"));
  };
  EXPECT_EQ(message("alphabet: \"01\"\nstart: a\ntransitions:\n  a: {\"2\": a}\n"),
            "saturn_bad.yaml:4:7: field 'transitions.a.2': '2' is not a symbol of the alphabet \"01\"");
  EXPECT_EQ(message("alphabet: \"01\"\ntransitions:\n  a: {\"0\": a}\n"), "saturn_bad.yaml:1:1: field 'start': missing");
  EXPECT_EQ(message("alphabet: \"01\"\nstart: a\ntransitions: [a]\n"),
            "saturn_bad.yaml:3:14: field 'transitions': expected a mapping from states to {symbol: state}");
  EXPECT_EQ(message("alphabet: \"00\"\nstart: a\ntransitions: {}\n"),
            "saturn_bad.yaml:1:11: field 'alphabet': alphabet symbol '0' appears twice");
  EXPECT_EQ(message("alphabet: [\n"), "saturn_bad.yaml:2:1: end of sequence flow not found");
  EXPECT_EQ(message("alphabet: \"01\"\nstart: a\ntransitions:\n  a: {\"0\": a, \"1\": a}\n  a: {\"0\": b}\n"),
            "saturn_bad.yaml:5:7: field 'transitions.a.0': duplicate transition (a DFA has one per state and symbol)");
  EXPECT_EQ(message("alphabet: \"01\"\nstart: a\naccepting: a\ntransitions: {a: {}}\n"),
            "saturn_bad.yaml:3:12: field 'accepting': expected a list of state names");
}

TEST(Dot, HasTheStartArrowAndLabelledEdges) {
  const Alphabet ab("ab");
  const Automaton m = minimize(determinize(regex_to_nfa("(ab)*", ab)));
  std::ostringstream out;
  write_dot(out, m);
  const auto dot = out.str();
  EXPECT_NE(dot.find("digraph"), std::string::npos);
  EXPECT_NE(dot.find("start -> 0"), std::string::npos);
  EXPECT_NE(dot.find("0->1 [label=\"a\"]"), std::string::npos);
  EXPECT_NE(dot.find("1->0 [label=\"b\"]"), std::string::npos);
  EXPECT_NE(dot.find("doublecircle"), std::string::npos);
}

}  // namespace
}  // namespace saturn::automata
