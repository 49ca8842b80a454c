// Model configuration: the `model:` section of a task and the `config.json` next to saved weights.
#pragma once

#include <string>
#include <vector>

namespace saturn {

enum class Activation { relu, gelu };                       // gelu = exact erf form (PyTorch default)
enum class Positional { none, learned, sinusoidal };
enum class HeadKind { classify, next_symbols, lm };
enum class ClassifyReadout { bos, last, mean };             // which final state the classifier reads
enum class AttnLnPlace { none, qkv, qk, v };                // which attention inputs pass through ln1
enum class LayerNormMode { pre, post, none, custom };       // custom = the pre-LN places below
enum class LossKind { bce, mse };                           // next_symbols head: BCE-with-logits, or MSE of sigmoid outputs

struct LayerNormPlaces {  // meaningful for pre-LN (mode pre or custom)
  AttnLnPlace attn = AttnLnPlace::qkv;  // ln1 on attention inputs
  bool mlp = true;                      // ln2 on the MLP input
  bool final = true;                    // ln_f before the head
};

// Sanity bounds, checked by ModelConfig::validate before anything is allocated: generous for any
// model Saturn trains or reads (the largest in tasks.yaml has d_model 128 and 4 layers) but finite,
// so a hostile or mistyped config.json is one error line, not minutes of allocation or bad_alloc.
struct ModelBounds {
  static constexpr int kMaxLayers = 1024;
  static constexpr int kMaxDModel = 65536;
  static constexpr int kMaxHeads = 4096;
  static constexpr int kMaxDff = 1 << 20;
  static constexpr int kMaxVocab = 1 << 20;
  static constexpr int kMaxLen = 1 << 20;  // positions incl. BOS
  static constexpr double kMaxParameters = 1e9;  // the parameter count (4 GB of float weights)
};

struct ModelConfig {
  int vocab = 0;             // number of tokens incl. special tokens (alphabet symbols first)
  int d_model = 32;
  int n_layers = 1;
  int n_heads = 2;
  int d_ff = 64;
  Activation activation = Activation::relu;
  LayerNormMode layer_norm = LayerNormMode::pre;
  LayerNormPlaces ln;        // resolved places (pre: all on; none: all off; post: see below)
  double ln_eps = 1e-5;
  bool attn_bias = true;
  Positional positional = Positional::learned;
  int max_len = 256;         // positions incl. BOS
  bool causal = false;
  HeadKind head = HeadKind::classify;
  ClassifyReadout readout = ClassifyReadout::bos;
  double readout_scale = 1.0;  // alpha: output logits multiplied by it
  // Attention scores s = round_G(c * q.k / sqrt(d_head)) (transformer/layers/attention.h, docs/saturation.md
  // "Training toward saturation"); every attention mode acts on s, in training and in evaluation.
  double attention_scale = 1.0;  // c > 0: the factor training.attention_temperature reached (1: none)
  double score_rounding = 0.0;   // G >= 0: scores rounded to the nearest multiple of G (0: off)
  int n_outputs = 1;           // classify: 1; next_symbols: |alphabet| + 1 (the last = "may end"); lm: vocab
  std::vector<std::string> tokens;  // token strings in id order: alphabet symbols, then "<bos>", ...
  int bos_id = -1;             // id of "<bos>" (prepended to every string)
  LossKind loss = LossKind::bce;  // next_symbols head only (mse: Bhattamishra et al. 2020's sigmoid + MSE)

  int d_head() const { return d_model / n_heads; }
  // Throws saturn::Error naming the field when inconsistent (d_model % n_heads, vocab vs tokens, ...)
  // or beyond ModelBounds (each size, then the approximate parameter count).
  void validate() const;
};

}  // namespace saturn

namespace saturn {

// Which layer norms a config uses (pre: attn qkv + mlp + final; none: nothing; custom: `ln`;
// post: ln1 after the attention residual, ln2 after the MLP residual, no ln_f).
bool uses_ln1(const ModelConfig& c);
bool uses_ln2(const ModelConfig& c);
bool uses_ln_f(const ModelConfig& c);
// Attention inputs through ln1 (pre-LN modes only).
bool ln_on_qk(const ModelConfig& c);
bool ln_on_v(const ModelConfig& c);

const char* to_string(Activation a);
const char* to_string(Positional p);
const char* to_string(HeadKind h);
const char* to_string(ClassifyReadout r);
const char* to_string(LayerNormMode m);
const char* to_string(AttnLnPlace p);
const char* to_string(LossKind k);

}  // namespace saturn
