// Palindromes over {a,b}. State: the prefix itself; completions count the free mirror pairs.
#pragma once

#include "languages/language.h"
#include "languages/params.h"

namespace saturn {
LanguagePtr make_palindrome(const Params& p);
}
