// regex:pattern=P[,alphabet=S] — the regular language of a regular expression (syntax in
// automata/regex_to_nfa.h). The alphabet defaults to the pattern's literal characters.
#pragma once

#include "languages/language.h"
#include "languages/params.h"

namespace saturn {
LanguagePtr make_regex(const Params& p);
}
