// Batched evaluation of a trie of prefixes through a causal classifier: the exhaustive verifier's
// hot path (verifier.cpp).
//
// Node w of the trie (|w| = depth t) is position t of the model's input (BOS is the root, depth 0);
// its keys and values in every layer are computed once and shared by every extension of w. TrieBatch
// evaluates the trie level by level in slices of at most `rows` nodes: the children of one slice
// (sigma * n nodes, siblings adjacent) are evaluated together, so each layer's projections and
// feed-forward are (rows, d) x (d, d') matrix products instead of one row at a time. Each slice is
// expanded depth-first before the next, so memory holds one slice per depth, allocated once:
// (max_depth + 1) x rows x (n_layers - 1) x 3d doubles of cached q|k|v. The first layer's q|k|v
// depend only on (symbol, position) and come from a table built once.
//
// Arithmetic is the Evaluator's (double precision; attention weights, hence the tie rule, through
// Evaluator::attention_weights with each head's mode, overrides included; layer norms through
// Evaluator::layer_norm). Only the grouping of
// rows into matrix products and the order of a few sums differ from Evaluator::push, so readout
// logits agree with it to rounding (the tests compare decisions on random models in every mode).
// A walk depends only on its prefix: the same on any thread.
#pragma once

#include <functional>
#include <vector>

#include "core/word.h"
#include "saturated_transformer/evaluator.h"

namespace saturn {

// One slice of trie nodes at one depth, handed to TrieBatch::walk's callback.
struct TrieSlice {
  int depth = 0;                   // the length of every node's word
  int size = 0;                    // nodes in the slice
  const int* parent = nullptr;     // (size) each node's parent: an index into the current slice one depth up (depth 0: null)
  const Symbol* symbol = nullptr;  // (size) each node's last symbol (depth 0: the BOS token)
  const double* logit = nullptr;   // (size) classifier readout logit of each node's word
};

// Default rows per slice: large enough for matrix-matrix products, small enough to stay in cache.
inline constexpr int kDefaultTrieRows = 128;

class TrieBatch {
 public:
  // `ev` must outlive this object and hold a causal model with a classify head whose first `sigma`
  // tokens are the alphabet; words up to max_depth (< max_len). Throws saturn::Error otherwise.
  TrieBatch(const Evaluator& ev, int sigma, int max_depth, int rows = kDefaultTrieRows);

  // Evaluates every node of the trie on the path to `prefix` (one node per depth 0..|prefix|) and
  // every descendant of `prefix` with depth <= max_depth, calling on_slice once per slice: parents
  // before children, each slice expanded depth-first before its next sibling slice.
  void walk(WordView prefix, const std::function<void(const TrieSlice&)>& on_slice);

  // The word of node `index` of the current slice at `depth` (during on_slice, for any depth up to
  // the slice's own).
  Word word(int depth, int index) const;

  int max_depth() const { return max_depth_; }

 private:
  struct Level {
    int size = 0;
    std::vector<int> parent;       // (rows)
    std::vector<Symbol> symbol;    // (rows)
    std::vector<RowMatrix> qkv;    // [layer] (rows, 3d): q | k | v of every layer but the first
    RowMatrix final_sum;           // (rows, d) mean readout: sum of ln_f outputs along the path
    std::vector<double> logit;     // (rows)
  };
  void expand(int depth, const std::function<void(const TrieSlice&)>& on_slice);
  void emit(int depth, const std::function<void(const TrieSlice&)>& on_slice) const;
  void reserve(Level& level, int n) const;
  // Evaluates the `size` nodes of level `depth` (parents and symbols filled in).
  void forward(int depth);
  // Attention of the slice's n nodes at `depth` in layer `layer` into heads_. The positions whose
  // node every node of the slice shares (the common path from BOS) are scored and summed as matrix
  // products over the slice; the rest node by node.
  template <int DH>
  void attention(int layer, int depth, long n);

  const Evaluator& ev_;
  int sigma_, max_depth_, rows_;
  std::vector<Level> levels_;   // [depth]
  RowMatrix qkv0_;              // (vocab * (max_depth + 1), 3d) first layer's q|k|v of (token, position)
  std::vector<int> anc_;        // (rows, max_depth + 1) ancestor of each node of the slice at each depth
  std::vector<const double*> key_rows_;               // (max_depth + 1) one node's q|k|v row at each depth
  RowMatrix x_, normed_, heads_, att_, final_, q0_;   // (rows, d)
  RowMatrix scores_all_, weights_all_;                // (rows, max_depth + 1) one head's scores / weights
  RowMatrix shared_;                                  // (max_depth + 1, 3d) q|k|v rows of the common path
  RowMatrix ffn_;                                     // (rows, d_ff)
  std::vector<RowMatrix> wqkv_;                       // [layer] (3d, d) q|k|v weights stacked, [out, in]
  std::vector<Eigen::RowVectorXd> bqkv_;              // [layer] (3d)
};

}  // namespace saturn
