// The one table of tensors of a model config: PyTorch names, shapes and optimizer groups, in
// layout order (embed, pos, then per layer attn q/k/v/o, ln1, ln2, ffn fc1/fc2, then ln_f, head).
#pragma once

#include "transformer/config.h"
#include "transformer/tensor_table.h"

namespace saturn {

TensorTable parameter_table(const ModelConfig& c);

}  // namespace saturn
