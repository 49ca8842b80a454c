// One evaluator, any model, any mode: the forward pass of the model of transformer/config.h in
// double precision with the attention of an EvalMode (softmax, temperature:C, scaled:RHO,
// saturated, hard). Used by `saturn eval`, the saturation study, head analysis and the verifier.
//
// Positions are computed in blocks of rows through one code path: a whole string at once
// (`run`), or — for causal models — one new position at a time on top of cached per-layer keys and
// values (`push`/`pop`), so the verifier can walk a trie of prefixes and pay per trie node.
//
// Acceptance rule (docs/saturation.md):
//   classify      accepted <=> the classifier logit > 0
//   next_symbols  accepted <=> every w[t] is predicted allowed after w[<t] (its logit > 0) and the
//                 final "is a member" logit > 0; a string is *correct* when the sign of every
//                 output at every position equals the true next-symbol set and membership bit
//   lm            accepted <=> at every position the argmax is the actual next token (<eos> last)
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "core/word.h"
#include "saturated_transformer/eval_mode.h"
#include "saturated_transformer/model_weights.h"

namespace saturn {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct EvalOptions {
  bool attention = false;  // keep every layer's per-head attention weights
  bool hidden = false;     // keep the residual stream after the embedding and after every layer
  bool scores = false;     // keep every layer's per-head scores s = round_G(c q.k / sqrt(dh)) (c = attention_scale, G = score_rounding)
};

// One head evaluated in another attention mode than the evaluator's (per-head ablation: saturate
// one head, the others softmax, or the reverse). Any mode but scaled:RHO, which scales weights,
// not one head's attention.
struct HeadMode {
  int layer = 0, head = 0;
  EvalMode mode;
};

struct EvalResult {
  RowMatrix logits;                               // (T, n_out); T = 1 + |w| (BOS first)
  std::vector<std::vector<RowMatrix>> attention;  // [layer][head] (T, T), rows = queries
  std::vector<std::vector<RowMatrix>> scores;     // [layer][head] (T, T) scores s; causal: 0 above the diagonal
  std::vector<RowMatrix> hidden;                  // [0..n_layers] (T, d)
  double readout_logit = 0;                       // classify: the classifier logit
  // Smallest gap, over every attention row, between the maximal score and the largest score that
  // does not tie it under the mode's tie band (infinity when no row has a non-tied score). A small
  // gap is a near-tie: there saturated and finite-temperature attention may decide differently.
  double min_score_gap = 0;
};

class Evaluator {
 public:
  // Copies the weights (scaled by RHO in scaled mode). Throws saturn::Error on invalid weights.
  // `heads` overrides the mode of single heads (a layer or head out of range, a repeated head or a
  // scaled mode throws saturn::Error).
  Evaluator(const ModelWeights& weights, EvalMode mode, const std::vector<HeadMode>& heads = {});

  const ModelConfig& config() const { return w_.config; }
  const EvalMode& mode() const { return mode_; }

  // Evaluates one word (alphabet symbol ids; BOS is prepended).
  EvalResult run(WordView word, const EvalOptions& options = {}) const;
  // The model's decision under the acceptance rule above.
  bool accepts(WordView word) const;

  // Attention weights of one row of scores s (round_G(c q.k / sqrt(dh)), transformer/layers/attention.h) under this mode.
  void attention_weights(const Eigen::Ref<const Eigen::RowVectorXd>& scores, Eigen::Ref<Eigen::RowVectorXd> out) const;
  // The same under `mode` (not scaled:RHO, which acts on the weights: there it is softmax).
  static void attention_weights(const EvalMode& mode, const Eigen::Ref<const Eigen::RowVectorXd>& scores,
                                Eigen::Ref<Eigen::RowVectorXd> out);
  // The mode of head `head` of layer `layer` (the evaluator's mode unless overridden).
  const EvalMode& head_mode(int layer, int head) const;

  // --- incremental evaluation (causal models) ----------------------------------------------------
  // Caches of one string being extended: per-layer keys and values, final states, logits.
  struct State {
    int length = 0;                    // positions filled, BOS included
    std::vector<RowMatrix> k, v;       // [layer] (capacity, d)
    RowMatrix h;                       // (capacity, d) residual stream of the rows being computed
    RowMatrix final_h;                 // (capacity, d) after ln_f
    RowMatrix logits;                  // (capacity, n_out)
    Eigen::RowVectorXd final_sum;      // sum of final_h rows (mean readout)
    double min_score_gap = 0;          // see EvalResult
    // Scratch, allocated once by start(): no allocation per position.
    RowMatrix normed, q, heads, att;   // (capacity, d)
    RowMatrix ffn;                     // (capacity, d_ff)
    RowMatrix scores, weights;         // (capacity, capacity) one head's scores / weights of the rows
  };
  // A state holding BOS only, with room for `capacity` positions (<= max_len).
  State start(int capacity) const;
  void begin(State& s) const;           // evaluates BOS (causal models only)
  void push(State& s, Symbol a) const;  // appends a position (causal models only)
  void pop(State& s) const;
  // Classifier logit of the string in s (readout bos / last / mean).
  double readout_logit(const State& s) const;

 private:
  friend class TrieBatch;  // the verifier's batched trie walk (trie_batch.h) reads the weights, layer_norm
  struct Layer {
    RowMatrix wq, wk, wv, wo, w1, w2;  // [out, in]
    Eigen::RowVectorXd bq, bk, bv, bo, b1, b2;
    Eigen::RowVectorXd ln1_w, ln1_b, ln2_w, ln2_b;
    bool ln1 = false, ln2 = false;
  };
  // Computes rows [r0, r1) of every layer; keys of earlier rows must be cached in s. Keeps the
  // attention weights / hidden states `keep` asks for in *capture.
  void forward_rows(State& s, int r0, int r1, const EvalOptions& keep, EvalResult* capture) const;
  void layer_norm(Eigen::Ref<RowMatrix> x, const Eigen::RowVectorXd& w, const Eigen::RowVectorXd& b) const;
  // Attention of rows [r0, r1) into s.att; queries/keys from ln1(x) (s.normed) when ln_qk, values
  // when ln_v. Caches the rows' keys and values.
  void attention(const Layer& l, State& s, int layer, int r0, int r1, bool ln_qk, bool ln_v,
                 std::vector<RowMatrix>* weights, std::vector<RowMatrix>* scores) const;
  // x += FFN(x or s.normed) for the last n rows.
  void feed_forward_add(const Layer& l, State& s, long n, bool from_normed) const;

  ModelWeights w_;
  EvalMode mode_;
  std::vector<EvalMode> head_modes_;  // [layer * n_heads + head]
  std::vector<Layer> layers_;
  RowMatrix embed_, pos_, head_w_;  // embed (V, d); pos (max_len, d); head (n_out, d)
  Eigen::RowVectorXd head_b_, lnf_w_, lnf_b_;
  bool lnf_ = false;
};

// Sinusoidal positional encodings (Vaswani et al. 2017): P[t, 2j] = sin(t / 10000^(2j/d)),
// P[t, 2j+1] = cos(t / 10000^(2j/d)). Shape (max_len, d).
RowMatrix sinusoidal_positions(int max_len, int d);

}  // namespace saturn
