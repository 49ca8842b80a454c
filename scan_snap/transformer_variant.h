// Tian et al.'s data through the ordinary trainable transformer (transformer/): the same
// sequences — the L-1 key tokens, then the query token, no BOS — with the lm head, every target
// ignored (-1) except at the query position, whose target is the next token. So the loss is
// exactly the cross-entropy of the next token at the last position, as in the reparameterised
// model. Trained by the ordinary optimizer with per-group rates: the attention (and embedding)
// groups at lr_z, the decoder groups (head, feed-forward, layer norm) at lr_z * lr_ratio,
// each on top of the group lr_scale of `optimizer`.
//
// Recorded attention of a class: a probe string holding each of its support tokens once, then the
// query; the query position's attention over the keys (mean over heads, self-attention left out
// and the rest renormalised) gives per-token scores s_l = log a_l, from which the class's
// attention is support_attention(s, weighted) exactly as for the reparameterised model. Without
// positions and with per-token layer norms the scores depend on the token only, not on where it
// stands, so the probe measures what every sequence of the class sees.
#pragma once

#include <cstdint>

#include "scan_snap/data.h"
#include "scan_snap/reparam_training.h"
#include "transformer/config.h"
#include "transformer/model.h"
#include "transformer/optimizer.h"

namespace saturn::scan_snap {

struct TransformerOptions {
  ModelConfig model;            // vocab, head, n_outputs, bos_id, max_len are set from the data
  OptimizerOptions optimizer;   // lr is replaced by lr_z; groups' lr_scale multiplied as above
  int steps = 2000;
  int batch = 128;
  double lr_z = 0.1;            // attention and embedding rate
  double lr_ratio = 2.0;        // decoder rate / attention rate
  std::uint64_t seed = 1;       // initialisation and data
  int record_every = 50;
  double freeze_tolerance = 0.01;
  bool weight_by_probability = true;
  double embed_std = 1.0;       // token embeddings N(0, embed_std^2) (torch nn.Embedding: 1; Model::init: 0.02)
};

// The model config for the data: vocab M + 1 (the last id is an unused BOS), lm head over it,
// max_len = seq_len.
ModelConfig transformer_config(const Dataset& data, ModelConfig base);

// A packed batch of sequences with lm targets ignored everywhere but the last position.
Batch transformer_batch(const std::vector<Sequence>& sequences);

struct TransformerResult : Trace {
  saturn::Model<float> model;
  std::vector<double> self_attention;  // [record] mean over classes: the query's attention on itself
  explicit TransformerResult(const ModelConfig& c) : model(c) {}
};

// Trains; throws saturn::Error when the loss becomes non-finite.
TransformerResult train_transformer(const Dataset& data, const TransformerOptions& options);

// Mean loss and accuracy (next token at the query) of a model on sequences; forward passes only.
StepStats evaluate_transformer(const saturn::Model<float>& model, const std::vector<Sequence>& sequences, int batch);

}  // namespace saturn::scan_snap
