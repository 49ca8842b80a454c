// Majority: binary strings with strictly more 1s than 0s. State: #1 - #0.
// Completions from difference d with r left: the tail of row r of Pascal's triangle (x ones with
// d + 2x - r > 0), cached as suffix sums for r <= 512.
#pragma once

#include "languages/language.h"
#include "languages/params.h"

namespace saturn {
LanguagePtr make_majority(const Params& p);
}
