// Counter languages: a^n b^n, a^n b^n c^n, and a1^n a2^n ... am^n (letters a, b, c, ...), n >= 0.
// Acceptor state: (phase, n, count in the current phase); at most one completion of each length,
// so counts are 0 or 1 and sample_member writes the unique member directly (O(n)).
#pragma once

#include "languages/language.h"
#include "languages/params.h"

namespace saturn {
LanguagePtr make_anbn(const Params& p);
LanguagePtr make_anbncn(const Params& p);
LanguagePtr make_counter(const Params& p);
}  // namespace saturn
