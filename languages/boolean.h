// Boolean combinations of languages over the same alphabet: and(A;B), or(A;B), not(A).
//
// Intersection and union run both acceptors side by side (state = [|state_A|, state_A..., state_B...]
// plus liveness flags); their completion counts come from a memoised DP over (state, r), exact but
// exponential for languages with many states (fine for the lengths where counting is used).
// Complement counts as |Σ|^r - completions_A. `live` for an intersection searches completions up
// to kLiveHorizon symbols ahead (documented approximation: the intersection of two
// context-free languages can be empty without either being so).
#pragma once

#include "languages/language.h"

namespace saturn {

inline constexpr int kLiveHorizon = 24;

LanguagePtr make_intersection(LanguagePtr a, LanguagePtr b);
LanguagePtr make_union(LanguagePtr a, LanguagePtr b);
LanguagePtr make_complement(LanguagePtr a);

}  // namespace saturn
