// regex:pattern=P[,alphabet=S][,max_states=N] — the regular language of a regular expression
// (syntax in automata/regex_to_nfa.h). The alphabet defaults to the pattern's literal characters.
// max_states is the budget of DFA states while determinizing (default
// automata::kDefaultMaxDfaStates = 100000): a pattern whose DFA needs more is refused with an error
// naming the pattern and the budget, rather than taking gigabytes.
#pragma once

#include "languages/language.h"
#include "languages/params.h"

namespace saturn {

inline constexpr long kMaxRegexDfaStatesLimit = 100'000'000;  // the largest max_states accepted

LanguagePtr make_regex(const Params& p);

}  // namespace saturn
