#include "languages/regular.h"

#include <fmt/format.h>

#include "automata/automaton.h"
#include "automata/compile.h"
#include "automata/determinize.h"
#include "automata/minimize.h"
#include "core/error.h"

namespace saturn {

namespace {
std::shared_ptr<const automata::Automaton> minimal_dfa(const automata::Automaton& a, std::size_t max_states) {
  return std::make_shared<const automata::Automaton>(automata::minimize(automata::determinize(a, max_states)));
}
}  // namespace

RegularLanguage::RegularLanguage(std::string spec, std::string description, const automata::Automaton& automaton)
    : RegularLanguage(std::move(spec), std::move(description), automaton, automata::kDefaultMaxDfaStates) {}

RegularLanguage::RegularLanguage(std::string spec, std::string description, const automata::Automaton& automaton,
                                 std::size_t max_dfa_states)
    : spec_(std::move(spec)),
      description_(std::move(description)),
      minimal_(minimal_dfa(automaton, max_dfa_states)),
      counter_(automata::compile(*minimal_)) {}

bool RegularLanguage::step(LangState& s, Symbol a) const {
  const int t = counter_.table().step(static_cast<int>(s[0]), a);
  if (t < 0 || !counter_.live(t)) return false;
  s[0] = t;
  return true;
}

bool RegularLanguage::accepting(const LangState& s) const {
  return counter_.table().accepting[static_cast<std::size_t>(s[0])] != 0;
}

BigInt RegularLanguage::completions(const LangState& s, int r) const {
  return counter_.completions(static_cast<int>(s[0]), r);
}

bool RegularLanguage::live(const LangState& s) const { return counter_.live(static_cast<int>(s[0])); }

Word RegularLanguage::sample_member(int n, Rng& rng) const {
  check_length(*this, n);
  try {
    return counter_.sample(n, rng);
  } catch (const NoMembersError&) {
    throw NoMembersError(fmt::format("{} has no members of length {}", spec_, n));
  }
}

NextSymbols RegularLanguage::next_symbols(WordView prefix) const {
  const auto& t = counter_.table();
  NextSymbols out;
  int s = t.start;
  for (Symbol a : prefix) {
    s = t.step(s, a);
    if (s < 0 || !counter_.live(s)) return out;
  }
  out.is_member = t.accepting[static_cast<std::size_t>(s)] != 0;
  for (int a = 0; a < t.num_symbols(); ++a) {
    const int next = t.step(s, static_cast<Symbol>(a));
    if (next >= 0 && counter_.live(next)) out.allowed |= std::uint64_t{1} << a;
  }
  return out;
}

automata::Automaton automaton_from_spec(const DfaSpec& spec) {
  automata::Automaton a;
  a.alphabet = Alphabet(spec.alphabet);
  for (int i = 0; i < spec.states; ++i) a.add_state(false);
  for (int q : spec.accepting) a.graph[static_cast<automata::State>(q)].accepting = true;
  a.start = static_cast<automata::State>(spec.start);
  for (const auto& [from, c, to] : spec.transitions) {
    const int sym = a.alphabet.index_of(c);
    if (sym < 0) throw Error(fmt::format("DFA transition on '{}', which is not in the alphabet \"{}\"", c, spec.alphabet));
    a.add_edge(static_cast<automata::State>(from), static_cast<automata::State>(to), sym);
  }
  return a;
}

}  // namespace saturn
