#include "transformer/tensor_table.h"

#include <fmt/format.h>

#include "core/error.h"

namespace saturn {

const char* param_group_name(ParamGroup g) {
  switch (g) {
    case ParamGroup::embedding: return "embedding";
    case ParamGroup::attention: return "attention";
    case ParamGroup::feed_forward: return "feed_forward";
    case ParamGroup::layer_norm: return "layer_norm";
    case ParamGroup::head: return "head";
  }
  return "?";
}

std::size_t TensorTable::add(std::string name, std::vector<std::int64_t> shape, ParamGroup group) {
  if (find(name)) throw Error(fmt::format("tensor '{}' defined twice", name));
  std::size_t size = 1;
  for (auto d : shape) size *= static_cast<std::size_t>(d);
  specs_.push_back({std::move(name), std::move(shape), total_, size, group});
  total_ += size;
  return specs_.size() - 1;
}

const TensorSpec* TensorTable::find(std::string_view name) const {
  for (const auto& s : specs_)
    if (s.name == name) return &s;
  return nullptr;
}

const TensorSpec& TensorTable::at(std::string_view name) const {
  if (const auto* s = find(name)) return *s;
  throw Error(fmt::format("no tensor named '{}'", name));
}

}  // namespace saturn
