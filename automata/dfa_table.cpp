#include "automata/dfa_table.h"

#include <fmt/format.h>

#include <mutex>

#include "automata/automaton.h"
#include "core/error.h"

namespace saturn::automata {

bool DfaTable::accepts(WordView w) const {
  int s = start;
  for (Symbol a : w) {
    s = step(s, a);
    if (s < 0) return false;
  }
  return accepting[static_cast<std::size_t>(s)] != 0;
}

DfaTable compile(const Automaton& dfa) {
  if (!is_deterministic(dfa)) throw Error("compile: the automaton is not deterministic");
  const int n = dfa.num_states(), sigma = dfa.alphabet.size();
  std::vector<int> order(static_cast<std::size_t>(n), -1);
  std::vector<State> bfs{dfa.start};
  order[dfa.start] = 0;
  for (std::size_t i = 0; i < bfs.size(); ++i) {
    // Visit successors in symbol order for a canonical numbering.
    std::vector<State> succ(static_cast<std::size_t>(sigma), static_cast<State>(-1));
    for (auto e : boost::make_iterator_range(boost::out_edges(bfs[i], dfa.graph)))
      succ[static_cast<std::size_t>(dfa.graph[e].symbol)] = boost::target(e, dfa.graph);
    for (State t : succ)
      if (t != static_cast<State>(-1) && order[t] < 0) {
        order[t] = static_cast<int>(bfs.size());
        bfs.push_back(t);
      }
  }
  DfaTable t;
  t.alphabet = dfa.alphabet;
  t.num_states = static_cast<int>(bfs.size());
  t.start = 0;
  t.next.assign(static_cast<std::size_t>(t.num_states * sigma), -1);
  t.accepting.assign(static_cast<std::size_t>(t.num_states), 0);
  for (std::size_t i = 0; i < bfs.size(); ++i) {
    t.accepting[i] = dfa.accepting(bfs[i]);
    for (auto e : boost::make_iterator_range(boost::out_edges(bfs[i], dfa.graph)))
      t.next[i * static_cast<std::size_t>(sigma) + static_cast<std::size_t>(dfa.graph[e].symbol)] = order[boost::target(e, dfa.graph)];
  }
  return t;
}

DfaCounter::DfaCounter(DfaTable table) : table_(std::move(table)) {
  // live: backward reachability from accepting states.
  const int n = table_.num_states, sigma = table_.num_symbols();
  live_.assign(static_cast<std::size_t>(n), 0);
  for (int s = 0; s < n; ++s) live_[static_cast<std::size_t>(s)] = table_.accepting[static_cast<std::size_t>(s)];
  for (bool changed = true; changed;) {
    changed = false;
    for (int s = 0; s < n; ++s)
      for (int a = 0; a < sigma && !live_[static_cast<std::size_t>(s)]; ++a) {
        const int t = table_.step(s, static_cast<Symbol>(a));
        if (t >= 0 && live_[static_cast<std::size_t>(t)]) live_[static_cast<std::size_t>(s)] = 1, changed = true;
      }
  }
}

void DfaCounter::ensure(int r) const {
  {
    std::shared_lock lock(mutex_);
    if (static_cast<int>(rows_.size()) > r) return;
  }
  std::unique_lock lock(mutex_);
  const int n = table_.num_states, sigma = table_.num_symbols();
  if (rows_.empty()) {
    rows_.emplace_back(static_cast<std::size_t>(n));
    for (int s = 0; s < n; ++s) rows_[0][static_cast<std::size_t>(s)] = table_.accepting[static_cast<std::size_t>(s)] ? 1 : 0;
  }
  while (static_cast<int>(rows_.size()) <= r) {
    const auto& prev = rows_.back();
    std::vector<BigInt> row(static_cast<std::size_t>(n));
    for (int s = 0; s < n; ++s)
      for (int a = 0; a < sigma; ++a) {
        const int t = table_.step(s, static_cast<Symbol>(a));
        if (t >= 0) row[static_cast<std::size_t>(s)] += prev[static_cast<std::size_t>(t)];
      }
    rows_.push_back(std::move(row));
  }
}

BigInt DfaCounter::completions(int state, int r) const {
  if (r < 0 || state < 0) return 0;
  ensure(r);
  std::shared_lock lock(mutex_);
  return rows_[static_cast<std::size_t>(r)][static_cast<std::size_t>(state)];
}

Word DfaCounter::sample(int n, Rng& rng) const {
  ensure(n);
  std::shared_lock lock(mutex_);
  if (n < 0 || rows_[static_cast<std::size_t>(n)][static_cast<std::size_t>(table_.start)] == 0)
    throw NoMembersError(fmt::format("no accepted word of length {}", n));
  Word w(static_cast<std::size_t>(n));
  int s = table_.start;
  const int sigma = table_.num_symbols();
  for (int i = 0; i < n; ++i) {
    const int r = n - i - 1;
    BigInt x = uniform_below(rows_[static_cast<std::size_t>(r + 1)][static_cast<std::size_t>(s)], rng);
    for (int a = 0; a < sigma; ++a) {
      const int t = table_.step(s, static_cast<Symbol>(a));
      if (t < 0) continue;
      const BigInt& c = rows_[static_cast<std::size_t>(r)][static_cast<std::size_t>(t)];
      if (x < c) {
        w[static_cast<std::size_t>(i)] = static_cast<Symbol>(a);
        s = t;
        break;
      }
      x -= c;
    }
  }
  return w;
}

}  // namespace saturn::automata
