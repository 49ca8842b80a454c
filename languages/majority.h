// Majority: binary strings with strictly more 1s than 0s. State: #1 - #0.
#pragma once

#include "languages/language.h"
#include "languages/params.h"

namespace saturn {
LanguagePtr make_majority(const Params& p);
}
