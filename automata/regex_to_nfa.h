// Thompson's construction: a regular expression to an epsilon-NFA. Not in place; O(|pattern|)
// states and edges.
//
// Syntax: literals (alphabet characters), `|`, `*`, `+`, `?`, `( )`, character classes `[ab]`,
// `[a-c]`, `.` (any alphabet symbol), backslash escapes a metacharacter; the empty pattern and
// `()` match the empty word. Throws saturn::Error naming the column (1-based) of the problem.
#pragma once

#include <string_view>

#include "automata/automaton.h"

namespace saturn::automata {

Automaton regex_to_nfa(std::string_view pattern, const Alphabet& alphabet);

// The literal characters a pattern uses (sorted, distinct): its default alphabet.
std::string regex_literals(std::string_view pattern);

}  // namespace saturn::automata
