#include "automata/equivalent.h"

#include "automata/product.h"
#include "automata/trim.h"

namespace saturn::automata {

bool is_empty(const Automaton& a) {
  const Automaton t = trim(a);  // the empty language trims to one non-accepting state
  return t.num_states() == 1 && !t.accepting(t.start);
}

bool equivalent(const Automaton& a, const Automaton& b) {
  require_deterministic(a, "equivalent");
  require_deterministic(b, "equivalent");
  return is_empty(product(a, b, ProductOp::symmetric_difference));
}

}  // namespace saturn::automata
