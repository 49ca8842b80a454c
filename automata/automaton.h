// Finite automata as Boost.Graph graphs: states are vertices (bundled: accepting), labelled
// transitions are edges (bundled: symbol index, or kEpsilon). The same type holds NFAs and DFAs;
// `is_deterministic` tells which; the start state is `Automaton::start`. Algorithms are free
// functions, one per header: regex_to_nfa, determinize, complete, minimize, trim, product,
// complement, equivalent (and is_empty), write_dot (dot.h), compile. The hot path runs on a
// compiled DfaTable (dfa_table.h) counted and sampled by DfaCounter (dfa_counter.h).
// Boost types stay inside automata/.
#pragma once

#include <boost/graph/adjacency_list.hpp>
#include <string_view>

#include "core/word.h"

namespace saturn::automata {

inline constexpr int kEpsilon = -1;

struct StateProps {
  bool accepting = false;
};
struct EdgeProps {
  int symbol = kEpsilon;  // index into the alphabet, or kEpsilon
};

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, StateProps, EdgeProps>;
using State = Graph::vertex_descriptor;

struct Automaton {
  Graph graph;
  State start = 0;
  Alphabet alphabet;

  int num_states() const { return static_cast<int>(boost::num_vertices(graph)); }
  State add_state(bool accepting = false) { return boost::add_vertex(StateProps{accepting}, graph); }
  void add_edge(State from, State to, int symbol) { boost::add_edge(from, to, EdgeProps{symbol}, graph); }
  bool accepting(State s) const { return graph[s].accepting; }
};

// No epsilon edges and at most one edge per (state, symbol). O(states + edges log |alphabet|).
bool is_deterministic(const Automaton& a);
// The precondition of complete, minimize, complement, product, equivalent and compile: throws
// saturn::Error("ALGORITHM: the automaton is not deterministic (...)") unless is_deterministic(a).
void require_deterministic(const Automaton& a, std::string_view algorithm);

// (The invariant checkers is_trim / is_minimal and the brute-force NFA run `accepts` are test
// oracles: tests/support/automaton_oracles.h.)

}  // namespace saturn::automata
