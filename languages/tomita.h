// The seven Tomita grammars (Tomita 1982) over {0,1}:
//   1: 1*                                   5: even number of 0s and even number of 1s
//   2: (10)*                                6: #0 - #1 = 0 (mod 3)
//   3: no odd-length block of 1s directly   7: 0*1*0*1*
//      followed by an odd-length block of 0s
//   4: no 000 substring
#pragma once

#include "languages/language.h"
#include "languages/params.h"

namespace saturn {
LanguagePtr make_tomita(const Params& p);
}
