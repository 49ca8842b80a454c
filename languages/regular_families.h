// Small regular families: parity (odd number of 1s), (aa)*, counting modulo m, first-symbol.
#pragma once

#include "languages/language.h"
#include "languages/params.h"

namespace saturn {
LanguagePtr make_parity(const Params& p);      // binary strings with an odd number of 1s
LanguagePtr make_aa_star(const Params& p);     // (aa)* over {a}
LanguagePtr make_modcount(const Params& p);    // #1s = r (mod m) over {0,1}
LanguagePtr make_first(const Params& p);       // binary strings starting with 1
}  // namespace saturn
