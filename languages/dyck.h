// Dyck-k: well-nested brackets of k types ("()[]{}<>" then "aA", "bB", ...), and bounded-depth
// Dyck-(k, D) (nesting depth at most D).
//
// Acceptor state: the stack of open types. Completions from a stack of height h with r symbols
// left: k^((r-h)/2) * ballot(r, h) (unbounded), or a DP over heights capped at D.
// Uniform sampling (unbounded): at height h with r left, close with probability
// ballot(r-1, h-1) / ballot(r, h) = h (r + h + 2) / (2 r (h + 1)) — a ratio of small integers,
// drawn exactly with 64-bit arithmetic — else open a uniformly chosen type. Bounded depth: the
// same walk with P(close) from a table of completion counts, decided by one 64-bit draw against a
// precomputed threshold per (remaining, height) and settled exactly on ties (probability 2^-64).
#pragma once

#include "languages/language.h"
#include "languages/params.h"

namespace saturn {
LanguagePtr make_dyck(const Params& p);
// The bracket characters of type i (open, close).
std::pair<char, char> bracket_pair(int i);
}  // namespace saturn
