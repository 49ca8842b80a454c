// product: the product construction of two DFAs over the same alphabet, accepting by
// intersection, union or symmetric difference of the two languages. Not in place; both inputs are
// completed first, only pairs reachable from (start, start) are built, and the result is trimmed.
// O(|A| * |B| * |alphabet|) time and states.
// Preconditions: deterministic inputs over equal alphabets (throws saturn::Error otherwise).
#pragma once

#include "automata/automaton.h"

namespace saturn::automata {

enum class ProductOp { intersection, union_, symmetric_difference };

Automaton product(const Automaton& a, const Automaton& b, ProductOp op);

}  // namespace saturn::automata
