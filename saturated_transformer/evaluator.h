// One evaluator, any model, any mode: the forward pass of the model of transformer/config.h in
// double precision with the attention of an EvalMode (softmax, temperature:C, scaled:RHO,
// saturated, hard). Used by `saturn eval`, the saturation study, head analysis and the verifier.
//
// Acceptance rule (documented in docs/saturation.md):
//   classify      accepted  <=> the classifier logit > 0
//   next_symbols  correct   <=> at every position the signs of the logits equal the true
//                 next-symbol set and membership bit; the model's accepted language is
//                 {w : every w[t] is predicted allowed after w[<t] and the final member bit > 0}
//   lm            accepted  <=> at every position the argmax is the actual next token (<eos> last)
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "core/word.h"
#include "saturated_transformer/eval_mode.h"
#include "saturated_transformer/model_weights.h"

namespace saturn {

struct EvalOptions {
  bool attention = false;  // keep every layer's per-head attention weights
  bool hidden = false;     // keep the residual stream after the embedding and after every layer
};

struct EvalResult {
  Eigen::MatrixXd logits;                               // (T, n_out); T = 1 + |w| (BOS first)
  std::vector<std::vector<Eigen::MatrixXd>> attention;  // [layer][head] (T, T), rows = queries
  std::vector<Eigen::MatrixXd> hidden;                  // [0..n_layers] (T, d)
  double readout_logit = 0;                             // classify: the classifier logit
};

class Evaluator {
 public:
  // Copies the weights (scaled by RHO in scaled mode). Throws saturn::Error on invalid weights.
  Evaluator(const ModelWeights& weights, EvalMode mode);

  const ModelConfig& config() const { return w_.config; }
  const EvalMode& mode() const { return mode_; }

  // Evaluates one word (alphabet symbol ids; BOS is prepended).
  EvalResult run(WordView word, const EvalOptions& options = {}) const;

  // The model's decision under the acceptance rule above (classify / lm / next_symbols).
  bool accepts(WordView word) const;

  // Attention weights of one row of scores under this evaluator's mode (keys 0..n-1).
  // scores: raw q.k / sqrt(dh). Writes weights into `out`.
  void attention_weights(const Eigen::Ref<const Eigen::RowVectorXd>& scores, Eigen::Ref<Eigen::RowVectorXd> out) const;

 private:
  struct Layer {
    Eigen::MatrixXd wq, wk, wv, wo, w1, w2;  // [out, in]
    Eigen::VectorXd bq, bk, bv, bo, b1, b2;
    Eigen::VectorXd ln1_w, ln1_b, ln2_w, ln2_b;
    bool ln1 = false, ln2 = false;
  };
  Eigen::MatrixXd layer_norm(const Eigen::MatrixXd& x, const Eigen::VectorXd& w, const Eigen::VectorXd& b) const;
  Eigen::MatrixXd attention(const Layer& l, const Eigen::MatrixXd& q_in, const Eigen::MatrixXd& k_in,
                            const Eigen::MatrixXd& v_in, std::vector<Eigen::MatrixXd>* weights) const;
  Eigen::MatrixXd feed_forward(const Layer& l, const Eigen::MatrixXd& x) const;

  ModelWeights w_;
  EvalMode mode_;
  std::vector<Layer> layers_;
  Eigen::MatrixXd embed_, pos_, head_w_;  // embed (V, d); pos (max_len, d) learned or sinusoidal
  Eigen::VectorXd head_b_, lnf_w_, lnf_b_;
  bool lnf_ = false;
};

// Sinusoidal positional encodings (Vaswani et al. 2017): P[t, 2j] = sin(t / 10000^(2j/d)),
// P[t, 2j+1] = cos(t / 10000^(2j/d)). Shape (max_len, d).
Eigen::MatrixXd sinusoidal_positions(int max_len, int d);

}  // namespace saturn
