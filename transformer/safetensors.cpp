#include "transformer/safetensors.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"

namespace saturn {

namespace {

const char* dtype_name(Dtype d) { return d == Dtype::f32 ? "F32" : "F64"; }
std::size_t itemsize(Dtype d) { return d == Dtype::f32 ? 4 : 8; }

std::string encode(const std::vector<std::pair<std::string, const TensorData*>>& tensors,
                   const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json header;
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::size_t offset = 0;
  for (const auto& [name, t] : tensors) {
    const std::size_t bytes = t->values.size() * itemsize(t->dtype);
    header[name] = {{"dtype", dtype_name(t->dtype)}, {"shape", t->shape}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string h = header.dump();
  while ((h.size() + 8) % 8 != 0) h += ' ';  // align the data to 8 bytes, as the reference writer does
  std::string out(8, '\0');
  const std::uint64_t n = h.size();
  std::memcpy(out.data(), &n, 8);  // little-endian hosts only (x86-64, aarch64)
  out += h;
  for (const auto& [name, t] : tensors) {
    if (t->values.empty()) continue;  // no bytes; and data() may be null (see read_safetensors)
    if (t->dtype == Dtype::f64) {
      out.append(reinterpret_cast<const char*>(t->values.data()), t->values.size() * 8);
    } else {
      std::vector<float> f(t->values.begin(), t->values.end());
      out.append(reinterpret_cast<const char*>(f.data()), f.size() * 4);
    }
  }
  return out;
}

}  // namespace

void write_safetensors(const std::filesystem::path& path, const std::map<std::string, TensorData>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  std::vector<std::pair<std::string, const TensorData*>> list;
  for (const auto& [name, t] : tensors) list.emplace_back(name, &t);
  write_file_atomic(path, encode(list, metadata));
}

template <class S>
void write_safetensors(const std::filesystem::path& path, const TensorTable& table, const S* data, Dtype dtype,
                       const std::map<std::string, std::string>& metadata) {
  std::vector<TensorData> store;
  store.reserve(table.specs().size());
  std::vector<std::pair<std::string, const TensorData*>> list;
  for (const auto& spec : table.specs()) {
    store.push_back({dtype, spec.shape, std::vector<double>(data + spec.offset, data + spec.offset + spec.size)});
    list.emplace_back(spec.name, &store.back());
  }
  write_file_atomic(path, encode(list, metadata));
}

SafetensorsFile read_safetensors(const std::filesystem::path& path) {
  const std::string file = path.string();
  auto fail = [&](const std::string& why) -> void { throw Error(fmt::format("{}: {}", file, why)); };
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot open file");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < 8) fail(fmt::format("truncated: {} bytes, the header length alone needs 8", bytes.size()));
  std::uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  if (n > bytes.size() - 8) fail(fmt::format("header length {} runs past the end of the file ({} bytes)", n, bytes.size()));
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(bytes.substr(8, n));
  } catch (const nlohmann::json::exception& e) {
    fail(fmt::format("header is not valid JSON ({})", e.what()));
  }
  if (!header.is_object()) fail("header is not a JSON object");
  const std::size_t data_size = bytes.size() - 8 - n;
  const char* data = bytes.data() + 8 + n;
  SafetensorsFile out;
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) fail("__metadata__ is not an object");
      for (const auto& [k, v] : entry.items())
        if (v.is_string()) out.metadata[k] = v.get<std::string>();
      continue;
    }
    const std::string& tensor = name;  // a lambda cannot capture a structured binding before clang 16
    auto bad = [&](const std::string& why) { fail(fmt::format("tensor '{}': {}", tensor, why)); };
    if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") || !entry.contains("data_offsets"))
      bad("needs dtype, shape and data_offsets");
    TensorData t;
    const auto dtype = entry["dtype"].is_string() ? entry["dtype"].get<std::string>() : "";
    if (dtype == "F32") t.dtype = Dtype::f32;
    else if (dtype == "F64") t.dtype = Dtype::f64;
    else bad(fmt::format("unsupported dtype '{}' (F32 or F64)", dtype));
    if (!entry["shape"].is_array()) bad("shape is not a list");
    for (const auto& dim : entry["shape"]) {
      if (!dim.is_number_integer() || dim.get<std::int64_t>() < 0) bad("shape has a negative or non-integer size");
      t.shape.push_back(dim.get<std::int64_t>());
    }
    // The product of the sizes, refused as soon as it passes the data bytes (no overflow); a zero
    // anywhere in the shape makes an empty tensor, whatever the other sizes.
    std::size_t count = std::count(t.shape.begin(), t.shape.end(), 0) > 0 ? 0 : 1;
    for (const auto dim : t.shape) {
      const auto size = static_cast<std::size_t>(dim);
      if (count > 0 && count > data_size / size) bad("shape has more values than the file has bytes");
      count *= size;
    }
    const auto& offs = entry["data_offsets"];
    if (!offs.is_array() || offs.size() != 2 || !offs[0].is_number_unsigned() || !offs[1].is_number_unsigned())
      bad("data_offsets is not [begin, end]");
    const auto begin = offs[0].get<std::size_t>(), end = offs[1].get<std::size_t>();
    if (begin > end || end > data_size)
      bad(fmt::format("data_offsets [{}, {}] outside the {} data bytes (truncated file?)", begin, end, data_size));
    if (end - begin != count * itemsize(t.dtype))
      bad(fmt::format("{} bytes for shape of {} {} values", end - begin, count, dtype));
    ranges.emplace_back(begin, end);
    t.values.resize(count);
    // An empty tensor (a zero in its shape) has no bytes to copy, and values.data() may then be
    // null: memcpy from or to a null pointer is undefined even for 0 bytes.
    if (count > 0 && t.dtype == Dtype::f64) {
      std::memcpy(t.values.data(), data + begin, count * 8);
    } else if (count > 0) {
      std::vector<float> f(count);
      std::memcpy(f.data(), data + begin, count * 4);
      std::copy(f.begin(), f.end(), t.values.begin());
    }
    out.tensors.emplace(name, std::move(t));
  }
  std::sort(ranges.begin(), ranges.end());
  std::size_t cursor = 0;
  for (const auto& [b, e] : ranges) {
    if (b != cursor) fail(fmt::format("tensor data overlaps or leaves a gap at byte {}", std::min(b, cursor)));
    cursor = e;
  }
  if (cursor != data_size) fail(fmt::format("{} trailing bytes after the last tensor", data_size - cursor));
  return out;
}

template <class S>
void load_safetensors(const std::filesystem::path& path, const TensorTable& table, S* data) {
  const auto file = read_safetensors(path);
  for (const auto& spec : table.specs()) {
    const auto it = file.tensors.find(spec.name);
    if (it == file.tensors.end()) throw Error(fmt::format("{}: missing tensor '{}'", path.string(), spec.name));
    if (it->second.shape != spec.shape)
      throw Error(fmt::format("{}: tensor '{}' has shape [{}], the config needs [{}]", path.string(), spec.name,
                              fmt::join(it->second.shape, ", "), fmt::join(spec.shape, ", ")));
    for (std::size_t j = 0; j < spec.size; ++j) data[spec.offset + j] = static_cast<S>(it->second.values[j]);
  }
  for (const auto& [name, _] : file.tensors)
    if (!table.find(name)) throw Error(fmt::format("{}: unexpected tensor '{}' for this config", path.string(), name));
}

template void write_safetensors<float>(const std::filesystem::path&, const TensorTable&, const float*, Dtype,
                                       const std::map<std::string, std::string>&);
template void write_safetensors<double>(const std::filesystem::path&, const TensorTable&, const double*, Dtype,
                                        const std::map<std::string, std::string>&);
template void load_safetensors<float>(const std::filesystem::path&, const TensorTable&, float*);
template void load_safetensors<double>(const std::filesystem::path&, const TensorTable&, double*);

}  // namespace saturn
