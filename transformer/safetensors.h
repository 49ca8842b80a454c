// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length n, an
// n-byte JSON header {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {..}},
// then the raw little-endian tensor bytes. Saturn reads and writes F32 and F64.
//
// The reader refuses, with one line naming the file and the tensor: a truncated file, a header
// length past the end, invalid JSON, an unknown dtype, offsets out of range / overlapping / not
// covering the data, a byte count that does not match the shape.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "transformer/param_table.h"

namespace saturn {

enum class Dtype { f32, f64 };

struct TensorData {
  Dtype dtype = Dtype::f32;
  std::vector<std::int64_t> shape;
  std::vector<double> values;  // converted to double
};

struct SafetensorsFile {
  std::map<std::string, TensorData> tensors;
  std::map<std::string, std::string> metadata;
};

// Writes every tensor of `table` from the flat buffer `data` (atomically: temp file + rename).
template <class S>
void write_safetensors(const std::filesystem::path& path, const TensorTable& table, const S* data, Dtype dtype,
                       const std::map<std::string, std::string>& metadata = {});

// Writes named tensors given as (shape, values).
void write_safetensors(const std::filesystem::path& path, const std::map<std::string, TensorData>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

SafetensorsFile read_safetensors(const std::filesystem::path& path);

// Loads the tensors of `table` into `data`, checking that the names and shapes match exactly
// (missing or unexpected tensors are errors). Converts dtypes.
template <class S>
void load_safetensors(const std::filesystem::path& path, const TensorTable& table, S* data);

}  // namespace saturn
