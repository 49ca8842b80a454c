#include "automata/dot.h"

#include <boost/graph/graphviz.hpp>

namespace saturn::automata {

void write_dot(std::ostream& out, const Automaton& a) {
  const auto vertex_writer = [&](std::ostream& os, State v) {
    os << "[shape=" << (a.accepting(v) ? "doublecircle" : "circle") << ",label=\"q" << v << "\"]";
  };
  const auto edge_writer = [&](std::ostream& os, Graph::edge_descriptor e) {
    const int s = a.graph[e].symbol;
    os << "[label=\"" << (s == kEpsilon ? std::string("ε") : std::string(1, a.alphabet.symbol_char(static_cast<Symbol>(s))))
       << "\"]";
  };
  const auto graph_writer = [&](std::ostream& os) {
    os << "rankdir=LR;\nstart [shape=point];\nstart -> " << a.start << ";\n";
  };
  boost::write_graphviz(out, a.graph, vertex_writer, edge_writer, graph_writer);
}

}  // namespace saturn::automata
