// Copy: w#w for w in {a,b}*. State: (phase, position, the symbols of w).
#pragma once

#include "languages/language.h"
#include "languages/params.h"

namespace saturn {
LanguagePtr make_copy(const Params& p);
}
