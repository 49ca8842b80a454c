#include "languages/regex.h"

#include <fmt/format.h>

#include "automata/determinize.h"
#include "automata/regex_to_nfa.h"
#include "core/error.h"
#include "languages/regular.h"

namespace saturn {

LanguagePtr make_regex(const Params& p) {
  p.expect_only({"pattern", "alphabet", "max_states"});
  const auto pattern = p.get_string("pattern");
  const auto alphabet = p.get_string("alphabet", automata::regex_literals(pattern));
  const auto max_states = static_cast<std::size_t>(
      p.get_int("max_states", 1, kMaxRegexDfaStatesLimit, static_cast<long>(automata::kDefaultMaxDfaStates)));
  if (alphabet.empty()) throw Error(fmt::format("regex '{}' has no literal symbols: give alphabet=...", pattern));
  const Alphabet a(alphabet);
  std::string spec = "regex:pattern=" + pattern;
  if (p.has("alphabet")) spec += ",alphabet=" + alphabet;
  if (p.has("max_states")) spec += fmt::format(",max_states={}", max_states);
  const auto nfa = automata::regex_to_nfa(pattern, a);
  try {
    return std::make_shared<RegularLanguage>(
        spec, fmt::format("the regular expression {} over \"{}\"", pattern, alphabet), nfa, max_states);
  } catch (const automata::StateBudgetError& e) {
    throw Error(fmt::format("regex '{}': its DFA needs more than {} states (the budget; raise it with max_states=N, "
                            "up to {})",
                            pattern, e.budget(), kMaxRegexDfaStatesLimit));
  }
}

}  // namespace saturn
