// The trainable transformer (see transformer/config.h and docs/model.md): straight-line calls of
// the layers' forward functions, and their backward functions in exactly the reverse order.
// Parameters and gradients are flat buffers laid out by the one parameter table.
//
// Scalar S is float for training and double for gradient checks.
#pragma once

#include <cstdint>
#include <vector>

#include "core/error.h"
#include "transformer/batch.h"
#include "transformer/config.h"
#include "transformer/layers/attention.h"
#include "transformer/param_table.h"
#include "transformer/tensor.h"

namespace saturn {

// Typed views of a flat buffer laid out by the parameter table (parameters: P = const S;
// gradients: P = S), from the offsets found once per model (Model::offsets): no name lookups in
// the layer loops. A tensor the config does not have is nullptr.
template <class P>
struct LayerTensors {
  P *q_w, *k_w, *v_w, *o_w;          // (d, d) each, nn.Linear layout [out, in]; q_w: (3d, d) q | k | v
  P *q_b, *k_b, *v_b, *o_b;          // (d) each (attn_bias); q_b: (3d) q | k | v
  P *ln1_w, *ln1_b, *ln2_w, *ln2_b;  // (d) each (when the config uses them)
  P *fc1_w, *fc1_b, *fc2_w, *fc2_b;  // (F, d), (F), (d, F), (d)
};
template <class P>
struct ModelTensors {
  const ParamOffsets* offsets;
  P* base;
  P* at(std::size_t offset) const { return offset == kNoTensor ? nullptr : base + offset; }
  P* embed() const { return at(offsets->embed); }    // (V, d)
  P* pos() const { return at(offsets->pos); }        // (max_len, d): learned positions only
  P* lnf_w() const { return at(offsets->lnf_w); }    // (d)
  P* lnf_b() const { return at(offsets->lnf_b); }    // (d)
  P* head_w() const { return at(offsets->head_w); }  // (n_outputs, d)
  P* head_b() const { return at(offsets->head_b); }  // (n_outputs)
  LayerTensors<P> layer(int l) const {
    const auto& o = offsets->layers[static_cast<std::size_t>(l)];
    return {at(o.q_w),   at(o.k_w),   at(o.v_w),   at(o.o_w),   at(o.q_b),   at(o.k_b),   at(o.v_b),   at(o.o_b),
            at(o.ln1_w), at(o.ln1_b), at(o.ln2_w), at(o.ln2_b), at(o.fc1_w), at(o.fc1_b), at(o.fc2_w), at(o.fc2_b)};
  }
};

template <class S>
struct Model {
  ModelConfig config;
  TensorTable table;
  std::vector<S> params;  // (table.total_size())
  ParamOffsets offsets;   // where each tensor of the table starts in params (and in gradients)

  explicit Model(ModelConfig c);
  S* param(std::string_view name) { return params.data() + table.at(name).offset; }
  const S* param(std::string_view name) const { return params.data() + table.at(name).offset; }
  const S* find(std::string_view name) const {
    const auto* s = table.find(name);
    return s ? params.data() + s->offset : nullptr;
  }
  // Deterministic initialisation from a seed: embeddings N(0, 0.02^2) (positions too), linear
  // weights LeCun normal (std 1/sqrt(fan_in)), biases 0, layer-norm weights 1.
  void init(std::uint64_t seed);

  ModelTensors<const S> weights() const { return {&offsets, params.data()}; }
  ModelTensors<S> gradients(S* grads) const { return {&offsets, grads}; }  // grads: (table.total_size())
};

// What a forward pass computes.
//   all:  every position of every layer (attention maps, final states, analysis).
//   loss: only what the loss needs. With a classifier that reads one position (readout bos or
//         last), or an lm head whose every string counts exactly one position (next token >= 0:
//         the grokking and scan-and-snap batches), the last layer's queries, attention output,
//         MLP, ln_f and head run at that position alone (its keys and values still at every
//         position): the same loss and gradients, up to rounding, for about 12 d^2 + 2 d n_out
//         fewer multiply-adds per token. Other heads compute everything.
enum class ForwardScope { all, loss };

// Activations of one layer, kept for the backward pass. (N, d) unless noted.
template <class S>
struct LayerActs {
  Mat<S> x_in, ln1, att, x_mid, ln2, fc1, act, r1, r2;  // fc1/act: (N, F)
  Mat<S> qkv;                                           // (N, 3d): q | k | v
  Vec<S> ln1_mean, ln1_rstd, ln2_mean, ln2_rstd;        // (N)
  AlignedVector<S> probs;  // sum_i attention_prob_size(H, T_i)
  Mat<S> x_sel, q_in_sel, q_sel;  // narrow last layer: (B, d) x_in, q input, q at the readout rows
};

// Everything a forward/backward pass needs, allocated once and reused (resized only when a
// batch has more tokens than any before).
template <class S>
struct Workspace {
  std::vector<LayerActs<S>> layers;
  Mat<S> x_final, z, logits;   // residual after the last layer; after ln_f; head outputs (N, n_out)
  Vec<S> lnf_mean, lnf_rstd;
  Mat<S> readout;              // classify: (B, d) the states the classifier reads
  Vec<S> readout_logits;       // classify: (B)
  std::vector<long> prob_offsets;
  // Narrow forward (ForwardScope::loss with a one-position readout): the last layer, x_final, z,
  // the readout (classify) or the logits (lm) hold B rows (row i: string i's readout position),
  // and that layer's probs one query row per string.
  bool narrow = false;
  std::vector<int> readout_rows, readout_pos;  // (B) packed row and position of each readout
  std::vector<long> query_prob_offsets;        // (B+1)
  // backward scratch
  Mat<S> positions;            // (max_len, d) sinusoidal encodings, computed once
  Mat<S> dx, dtmp, datt, dff, dff2, dz;
  Mat<S> dqkv;                 // (N, 3d) dq | dk | dv
  Mat<S> dx_sel, dq_sel, dq_in_sel;  // narrow last layer: (B, d)
  std::vector<S> string_loss;  // (B)
  AttentionMode mode{};        // attention mode of the last forward pass
};

struct StepStats {
  double loss = 0;
  int correct = 0;  // strings fully correct (classify: decision; next_symbols: every bit; lm: every token)
  int strings = 0;
};

// Forward pass over a batch; returns the mean loss (mean over strings of each string's loss).
// The batch must carry the targets of the model's head (labels: B, targets: N * n_outputs,
// next_tokens: N); otherwise saturn::Error. Non-softmax attention modes are forward only.
// lm head: a next token of -1 is ignored (like PyTorch's ignore_index): a string's loss is the
// mean over its counted positions, it is correct when every counted position is, and every
// string needs at least one counted position.
// Cost: O(N d (4 d + 2 F) L + sum_i T_i^2 d L + N d n_out).
template <class S>
StepStats forward(const Model<S>& m, const Batch& batch, Workspace<S>& ws, const AttentionMode& mode = {},
                  ForwardScope scope = ForwardScope::all);

// Backward pass of the last forward (same batch and workspace): grads (same layout as params)
// += d(mean loss)/d(params). Bitwise independent of the number of threads and of the
// workspace's history. Throws saturn::Error if the last forward did not use softmax attention.
template <class S>
void backward(const Model<S>& m, const Batch& batch, Workspace<S>& ws, S* grads);

// Attention weights (T, T) [query][key] of string i, layer l, head h from the last forward pass
// (saturn::Error for the last layer of a narrow pass).
template <class S>
CMatMap<S> attention_weights(const Model<S>& m, const Batch& batch, const Workspace<S>& ws, int l, int i, int h);

// Final states (T, d) of string i (after ln_f when used) from the last forward pass (which must
// have computed every position).
template <class S>
auto final_states(const Batch& batch, const Workspace<S>& ws, int i) {
  if (ws.narrow) throw Error("final_states: the last forward pass computed the readout positions only");
  return ws.z.middleRows(batch.offsets[static_cast<std::size_t>(i)], batch.length(i));
}
// Head outputs (T, n_outputs) of string i (next_symbols and lm heads), already scaled by alpha.
template <class S>
auto output_logits(const Batch& batch, const Workspace<S>& ws, int i) {
  if (ws.narrow) throw Error("output_logits: the last forward pass computed the counted positions only");
  return ws.logits.middleRows(batch.offsets[static_cast<std::size_t>(i)], batch.length(i));
}

// Mean attention entropy per layer and head of the last forward pass (which must have computed
// every position).
template <class S>
std::vector<std::vector<double>> attention_entropies(const Model<S>& m, const Batch& batch, const Workspace<S>& ws);

}  // namespace saturn
