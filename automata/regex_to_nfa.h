// Thompson's construction: a regular expression to an epsilon-NFA. Not in place; O(|pattern|)
// states and edges.
//
// Syntax: literals (alphabet characters), `|`, `*`, `+`, `?`, `( )`, character classes `[ab]`,
// `[a-c]`, `.` (any alphabet symbol), backslash escapes a metacharacter; the empty pattern and
// `()` match the empty word. Throws saturn::Error naming the column (1-based) of the problem.
// Groups may nest at most kMaxRegexNesting deep (the parser is recursive; a deeper pattern is
// refused with an error naming the limit instead of overflowing the stack).
#pragma once

#include <string_view>

#include "automata/automaton.h"

namespace saturn::automata {

inline constexpr int kMaxRegexNesting = 1000;  // nesting levels of ( ); ~1 KB of stack each

Automaton regex_to_nfa(std::string_view pattern, const Alphabet& alphabet);

// The literal characters a pattern uses (sorted, distinct): its default alphabet.
std::string regex_literals(std::string_view pattern);

}  // namespace saturn::automata
