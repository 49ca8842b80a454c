#include "automata/minimize.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "automata/complete.h"
#include "automata/trim.h"

namespace saturn::automata {

namespace {

// Refinable partition of the states 0..n-1 (Valmari & Lehtinen's layout): the states of each
// block are contiguous in `elems`, its marked states first.
class Partition {
 public:
  explicit Partition(int n) : elems_(idx(n)), loc_(idx(n)), block_(idx(n), 0) {
    for (int s = 0; s < n; ++s) elems_[idx(s)] = loc_[idx(s)] = s;
    if (n > 0) first_ = {0}, end_ = {n}, mid_ = {0};
  }
  int blocks() const { return static_cast<int>(first_.size()); }
  int block_of(int s) const { return block_[idx(s)]; }
  int size(int b) const { return end_[idx(b)] - first_[idx(b)]; }
  std::vector<int> members(int b) const { return {elems_.begin() + first_[idx(b)], elems_.begin() + end_[idx(b)]}; }

  void mark(int s) {
    const int b = block_[idx(s)], i = loc_[idx(s)], j = mid_[idx(b)];
    if (i < j) return;  // already marked
    if (j == first_[idx(b)]) touched_.push_back(b);
    std::swap(elems_[idx(i)], elems_[idx(j)]);
    loc_[idx(elems_[idx(i)])] = i;
    loc_[idx(elems_[idx(j)])] = j;
    ++mid_[idx(b)];
  }

  // Splits every touched block into its marked part (a new block) and the rest, unless all of it
  // was marked; calls on_split(old, new) for each split. Clears the marks.
  template <class F>
  void split_touched(F on_split) {
    for (int b : touched_) {
      const int m = mid_[idx(b)];
      mid_[idx(b)] = first_[idx(b)];
      if (m == end_[idx(b)]) continue;  // whole block marked: nothing to split
      const int z = blocks();
      first_.push_back(first_[idx(b)]);
      end_.push_back(m);
      mid_.push_back(first_[idx(b)]);
      first_[idx(b)] = mid_[idx(b)] = m;
      for (int i = first_[idx(z)]; i < end_[idx(z)]; ++i) block_[idx(elems_[idx(i)])] = z;
      on_split(b, z);
    }
    touched_.clear();
  }

 private:
  static std::size_t idx(int i) { return static_cast<std::size_t>(i); }
  std::vector<int> elems_, loc_, block_;
  std::vector<int> first_, end_, mid_;  // per block: [first, end) in elems, marked in [first, mid)
  std::vector<int> touched_;            // blocks with at least one mark
};

}  // namespace

Automaton minimize(const Automaton& dfa) {
  require_deterministic(dfa, "minimize");
  const Automaton full = complete(trim(dfa));
  const int n = full.num_states(), sigma = full.alphabet.size();
  const auto at = [sigma](int s, int a) { return static_cast<std::size_t>(s) * static_cast<std::size_t>(sigma) + static_cast<std::size_t>(a); };
  std::vector<int> delta(static_cast<std::size_t>(n) * static_cast<std::size_t>(sigma), -1);  // (states, sigma)
  for (auto e : boost::make_iterator_range(boost::edges(full.graph)))
    delta[at(static_cast<int>(boost::source(e, full.graph)), full.graph[e].symbol)] = static_cast<int>(boost::target(e, full.graph));
  // Predecessor lists per (symbol, state), in CSR form: pred[pred_start[a*n+t] .. pred_start[a*n+t+1]).
  std::vector<int> pred_start(static_cast<std::size_t>(sigma * n + 1), 0), pred(static_cast<std::size_t>(sigma * n));
  for (int s = 0; s < n; ++s)
    for (int a = 0; a < sigma; ++a) ++pred_start[static_cast<std::size_t>(a * n + delta[at(s, a)] + 1)];
  for (std::size_t i = 1; i < pred_start.size(); ++i) pred_start[i] += pred_start[i - 1];
  {
    std::vector<int> fill(pred_start.begin(), pred_start.end() - 1);
    for (int s = 0; s < n; ++s)
      for (int a = 0; a < sigma; ++a) pred[static_cast<std::size_t>(fill[static_cast<std::size_t>(a * n + delta[at(s, a)])]++)] = s;
  }

  // Hopcroft: start from {accepting, rejecting}; refine by splitters (block, symbol) from a
  // worklist, adding the smaller half of each split (or both when the split block was pending).
  Partition p(n);
  std::vector<std::pair<int, int>> work;
  std::vector<std::vector<char>> pending;  // pending[block][symbol]
  auto push = [&](int b, int a) {
    if (pending.size() <= static_cast<std::size_t>(b)) pending.resize(static_cast<std::size_t>(b) + 1, std::vector<char>(static_cast<std::size_t>(sigma), 0));
    if (!pending[static_cast<std::size_t>(b)][static_cast<std::size_t>(a)]) {
      pending[static_cast<std::size_t>(b)][static_cast<std::size_t>(a)] = 1;
      work.emplace_back(b, a);
    }
  };
  auto on_split = [&](int old_block, int new_block) {
    pending.resize(std::max(pending.size(), static_cast<std::size_t>(new_block) + 1), std::vector<char>(static_cast<std::size_t>(sigma), 0));
    for (int a = 0; a < sigma; ++a) {
      if (pending[static_cast<std::size_t>(old_block)][static_cast<std::size_t>(a)]) push(new_block, a);
      else push(p.size(new_block) < p.size(old_block) ? new_block : old_block, a);
    }
  };
  for (int s = 0; s < n; ++s)
    if (full.accepting(static_cast<State>(s))) p.mark(s);
  p.split_touched(on_split);
  while (!work.empty()) {
    const auto [b, a] = work.back();
    work.pop_back();
    pending[static_cast<std::size_t>(b)][static_cast<std::size_t>(a)] = 0;
    for (int t : p.members(b))  // a copy: marking reorders states inside blocks
      for (int i = pred_start[static_cast<std::size_t>(a * n + t)]; i < pred_start[static_cast<std::size_t>(a * n + t + 1)]; ++i)
        p.mark(pred[static_cast<std::size_t>(i)]);
    p.split_touched(on_split);
  }

  // The quotient automaton: one state per block.
  const int classes = p.blocks();
  Automaton q;
  q.alphabet = full.alphabet;
  for (int c = 0; c < classes; ++c) q.add_state(false);
  std::vector<char> done(static_cast<std::size_t>(classes), 0);
  for (int v = 0; v < n; ++v) {
    const int c = p.block_of(v);
    if (done[static_cast<std::size_t>(c)]) continue;
    done[static_cast<std::size_t>(c)] = 1;
    q.graph[static_cast<State>(c)].accepting = full.accepting(static_cast<State>(v));
    for (int a = 0; a < sigma; ++a) q.add_edge(static_cast<State>(c), static_cast<State>(p.block_of(delta[at(v, a)])), a);
  }
  q.start = static_cast<State>(n > 0 ? p.block_of(static_cast<int>(full.start)) : 0);
  return trim(q);
}

int complete_minimal_size(const Automaton& dfa) {
  const Automaton m = minimize(dfa);
  return complete(m).num_states();
}

}  // namespace saturn::automata
