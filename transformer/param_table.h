// The parameter table (STYLE.md point 2): every parameter is described once — name, shape,
// optimizer group — and that one table sizes the flat parameter/gradient/optimizer buffers, hands
// out views, names tensors in safetensors files and drives test comparisons.
//
// TensorTable is the table; parameter_table(config) builds the one of a model config.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "transformer/config.h"

namespace saturn {

// Optimizer parameter groups (learning rate and weight decay can differ per group).
enum class ParamGroup : int { embedding = 0, attention = 1, feed_forward = 2, layer_norm = 3, head = 4 };
inline constexpr int kNumParamGroups = 5;
const char* param_group_name(ParamGroup g);

struct TensorSpec {
  std::string name;                // PyTorch name, e.g. "layers.0.attn.q.weight"
  std::vector<std::int64_t> shape;  // PyTorch shape, e.g. {d_model, d_model} ([out, in] for Linear)
  std::size_t offset = 0;          // first element in the flat buffer
  std::size_t size = 0;            // number of elements
  ParamGroup group = ParamGroup::embedding;
};

// Two orders: specs() is the table order (names, shapes, what safetensors files list, the random
// stream of each tensor at init, the order of reported reductions such as the gradient norm);
// offsets follow the layout order, which is the table order unless lay_out changed it (the
// parameter table puts each layer's q, k, v weights side by side so they form one (3d, d) matrix).
class TensorTable {
 public:
  // Appends a tensor at the end of the table and of the flat layout; returns its index.
  std::size_t add(std::string name, std::vector<std::int64_t> shape, ParamGroup group);
  // Lays the tensors out in the flat buffer in the given order of table indices (a permutation
  // of 0..specs().size()-1; saturn::Error otherwise): new offsets, same table order and size.
  void lay_out(const std::vector<std::size_t>& order);
  // Table indices in layout order (increasing offset).
  std::vector<std::size_t> layout_order() const;
  const std::vector<TensorSpec>& specs() const { return specs_; }
  std::size_t total_size() const { return total_; }
  // nullptr when absent.
  const TensorSpec* find(std::string_view name) const;
  const TensorSpec& at(std::string_view name) const;  // throws saturn::Error when absent

 private:
  std::vector<TensorSpec> specs_;
  std::size_t total_ = 0;
};

// The parameters of a model config: PyTorch names, shapes and optimizer groups. Table order:
// embed, pos, then per layer attn q/k/v/o (weight, bias each), ln1, ln2, ffn fc1/fc2, then ln_f,
// head. Layout order: the same except that each layer's attention tensors lie as q, k, v weights,
// q, k, v biases, o weight, o bias — the stacked (3d, d) q | k | v matrix and its (3d) bias are
// views of the flat buffer.
TensorTable parameter_table(const ModelConfig& c);

// Where each parameter of a config lives in the flat buffers (an element offset into params,
// grads, m, v), found by name once so that the model's loops never search the table.
// kNoTensor marks a tensor the config does not have (biases without attn_bias, unused norms).
inline constexpr std::size_t kNoTensor = static_cast<std::size_t>(-1);
struct LayerParamOffsets {
  std::size_t q_w, k_w, v_w, o_w;          // (d, d) each
  std::size_t q_b, k_b, v_b, o_b;          // (d) each, or kNoTensor
  std::size_t ln1_w, ln1_b, ln2_w, ln2_b;  // (d) each, or kNoTensor
  std::size_t fc1_w, fc1_b, fc2_w, fc2_b;  // (F, d), (F), (d, F), (d)
};
struct ParamOffsets {
  std::size_t embed;          // (V, d)
  std::size_t pos;            // (max_len, d), or kNoTensor
  std::vector<LayerParamOffsets> layers;  // (L)
  std::size_t lnf_w, lnf_b;   // (d) each, or kNoTensor
  std::size_t head_w, head_b; // (n_outputs, d), (n_outputs)
};
// Throws saturn::Error when a tensor the config needs is missing from the table.
ParamOffsets param_offsets(const ModelConfig& c, const TensorTable& t);

}  // namespace saturn
