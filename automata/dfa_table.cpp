#include "automata/dfa_table.h"

namespace saturn::automata {

bool DfaTable::accepts(WordView w) const {
  int s = start;
  for (Symbol a : w) {
    s = step(s, a);
    if (s < 0) return false;
  }
  return accepting[static_cast<std::size_t>(s)] != 0;
}

}  // namespace saturn::automata
