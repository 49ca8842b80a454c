// safetensors: exact round trips in F32 and F64, files written by PyTorch's side
// (python/torch_reference.py) read back, and every kind of corrupt file refused with one line
// naming the file and the tensor.
#include "transformer/safetensors.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/error.h"

namespace saturn {
namespace {

namespace fs = std::filesystem;

fs::path temp(const std::string& name) { return fs::temp_directory_path() / ("saturn_st_" + name + ".safetensors"); }

TensorTable small_table() {
  TensorTable t;
  t.add("embed.weight", {3, 2}, ParamGroup::embedding);
  t.add("head.bias", {1}, ParamGroup::head);
  t.add("empty", {0, 4}, ParamGroup::head);
  return t;
}

// A file made of a header length, the given header text and data bytes.
fs::path raw_file(const std::string& name, const std::string& header, std::size_t data_bytes,
                  std::uint64_t declared = ~0ull) {
  const auto path = temp(name);
  std::ofstream out(path, std::ios::binary);
  const std::uint64_t n = declared == ~0ull ? header.size() : declared;
  out.write(reinterpret_cast<const char*>(&n), 8);
  out << header << std::string(data_bytes, '\0');
  return path;
}

// The message of the saturn::Error that f throws ("" when none).
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Safetensors, RoundTripIsExactInBothDtypes) {
  const auto t = small_table();
  const std::vector<double> d{0.1, -2.5e-300, 3.0, 1e300, -0.0, 7.25, 42.0};
  write_safetensors(temp("f64"), t, d.data(), Dtype::f64, {{"format", "saturn"}});
  std::vector<double> back(t.total_size());
  load_safetensors(temp("f64"), t, back.data());
  EXPECT_EQ(0, std::memcmp(back.data(), d.data(), d.size() * sizeof(double)));
  const auto file = read_safetensors(temp("f64"));
  EXPECT_EQ(file.metadata.at("format"), "saturn");
  EXPECT_EQ(file.tensors.at("embed.weight").shape, (std::vector<std::int64_t>{3, 2}));
  EXPECT_EQ(file.tensors.at("empty").values.size(), 0u);

  const std::vector<float> f{0.1f, -1e-38f, 3.0f, 1e38f, -0.0f, 7.25f, 42.0f};
  write_safetensors(temp("f32"), t, f.data(), Dtype::f32);
  std::vector<float> fb(t.total_size());
  load_safetensors(temp("f32"), t, fb.data());
  EXPECT_EQ(0, std::memcmp(fb.data(), f.data(), f.size() * sizeof(float)));
  EXPECT_EQ(read_safetensors(temp("f32")).tensors.at("head.bias").dtype, Dtype::f32);
  // Layout: 8-byte length, JSON header padded so the data starts at a multiple of 8.
  std::ifstream in(temp("f32"), std::ios::binary);
  std::uint64_t n = 0;
  in.read(reinterpret_cast<char*>(&n), 8);
  EXPECT_EQ((8 + n) % 8, 0u);
  EXPECT_EQ(fs::file_size(temp("f32")), 8 + n + 7 * 4);
}

TEST(Safetensors, ReadsTheFilesPyTorchWrote) {
  const auto file = read_safetensors(fs::path(SATURN_SOURCE_DIR) / "tests/data/pre_learned_classify.safetensors");
  const auto& e = file.tensors.at("param.embed.weight");
  EXPECT_EQ(e.dtype, Dtype::f64);
  EXPECT_EQ(e.shape, (std::vector<std::int64_t>{4, 8}));
  EXPECT_EQ(e.values.size(), 32u);
  EXPECT_TRUE(file.metadata.count("config"));
}

TEST(Safetensors, RefusesCorruptFilesNamingFileAndTensor) {
  const auto t = small_table();
  std::vector<double> data(t.total_size());
  auto load = [&](const fs::path& p) { return error_of([&] { load_safetensors(p, t, data.data()); }); };
  auto contains = [](const std::string& msg, const std::string& part) {
    return msg.find(part) != std::string::npos;
  };

  auto p = temp("short");
  std::ofstream(p, std::ios::binary) << "abc";
  EXPECT_TRUE(contains(load(p), p.string() + ": truncated")) << load(p);

  p = raw_file("past_end", "{}", 0, 1000);
  EXPECT_TRUE(contains(load(p), "runs past the end")) << load(p);

  p = raw_file("bad_json", "{\"a\": ", 0);
  EXPECT_TRUE(contains(load(p), "not valid JSON")) << load(p);

  p = raw_file("dtype", R"({"x": {"dtype": "I32", "shape": [1], "data_offsets": [0, 4]}})", 4);
  EXPECT_TRUE(contains(load(p), "tensor 'x': unsupported dtype 'I32'")) << load(p);

  p = raw_file("bytes", R"({"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}})", 4);
  EXPECT_TRUE(contains(load(p), "tensor 'x': 4 bytes")) << load(p);

  p = raw_file("range", R"({"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}})", 4);
  EXPECT_TRUE(contains(load(p), "tensor 'x': data_offsets [0, 8] outside")) << load(p);

  p = raw_file("huge", R"({"x": {"dtype": "F64", "shape": [4611686018427387904, 4], "data_offsets": [0, 8]}})", 8);
  EXPECT_TRUE(contains(load(p), "tensor 'x': shape has more values")) << load(p);

  p = raw_file("overlap", R"({"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                              "y": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}})", 8);
  EXPECT_TRUE(contains(load(p), "overlaps or leaves a gap")) << load(p);

  p = raw_file("gap", R"({"x": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}})", 8);
  EXPECT_TRUE(contains(load(p), "overlaps or leaves a gap at byte 0")) << load(p);

  p = raw_file("trailing", R"({"x": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})", 8);
  EXPECT_TRUE(contains(load(p), "4 trailing bytes")) << load(p);

  p = raw_file("fields", R"({"x": {"dtype": "F32", "shape": [1]}})", 4);
  EXPECT_TRUE(contains(load(p), "tensor 'x': needs dtype, shape and data_offsets")) << load(p);

  // A good file truncated anywhere in its data is refused.
  const std::vector<double> good(t.total_size(), 1.5);
  p = temp("truncated");
  write_safetensors(p, t, good.data(), Dtype::f64);
  fs::resize_file(p, fs::file_size(p) - 3);
  EXPECT_TRUE(contains(load(p), "outside the")) << load(p);
}

TEST(Safetensors, NamesAndShapesMustMatchTheTable) {
  const auto t = small_table();
  std::vector<double> data(t.total_size(), 1.0);
  auto contains = [](const std::string& msg, const std::string& part) {
    return msg.find(part) != std::string::npos;
  };
  TensorTable fewer;
  fewer.add("embed.weight", {3, 2}, ParamGroup::embedding);
  fewer.add("empty", {0, 4}, ParamGroup::head);
  write_safetensors(temp("fewer"), fewer, data.data(), Dtype::f32);
  const auto missing = error_of([&] { load_safetensors(temp("fewer"), t, data.data()); });
  EXPECT_TRUE(contains(missing, temp("fewer").string() + ": missing tensor 'head.bias'")) << missing;

  write_safetensors(temp("more"), t, data.data(), Dtype::f32);
  const auto unexpected = error_of([&] { load_safetensors(temp("more"), fewer, data.data()); });
  EXPECT_TRUE(contains(unexpected, "unexpected tensor 'head.bias'")) << unexpected;

  TensorTable reshaped;
  reshaped.add("embed.weight", {2, 3}, ParamGroup::embedding);
  reshaped.add("head.bias", {1}, ParamGroup::head);
  reshaped.add("empty", {0, 4}, ParamGroup::head);
  const auto shape = error_of([&] { load_safetensors(temp("more"), reshaped, data.data()); });
  EXPECT_TRUE(contains(shape, "tensor 'embed.weight' has shape [3, 2], the config needs [2, 3]")) << shape;
}

TEST(Safetensors, GenericWriterAndReaderAgree) {
  std::map<std::string, TensorData> tensors;
  tensors["a"] = {Dtype::f64, {2}, {1.0 / 3, -4}};
  tensors["b"] = {Dtype::f32, {1, 1}, {0.5}};
  write_safetensors(temp("generic"), tensors, {{"k", "v"}});
  const auto back = read_safetensors(temp("generic"));
  EXPECT_EQ(back.tensors.at("a").values, tensors["a"].values);
  EXPECT_EQ(back.tensors.at("b").values, tensors["b"].values);
  EXPECT_EQ(back.tensors.at("b").shape, (std::vector<std::int64_t>{1, 1}));
  EXPECT_EQ(back.metadata.at("k"), "v");
}

// Empty tensors (a zero in the shape) have no bytes and an empty vector whose data() is null: the
// writer and reader must not hand that pointer to memcpy (UBSan: "null pointer passed as argument").
// A file made only of empty tensors has no data section at all.
TEST(Safetensors, EmptyTensorsRoundTripInBothDtypes) {
  std::map<std::string, TensorData> tensors;
  tensors["e64"] = {Dtype::f64, {0}, {}};
  tensors["e32"] = {Dtype::f32, {2, 0, 3}, {}};
  write_safetensors(temp("only_empty"), tensors);
  const auto back = read_safetensors(temp("only_empty"));
  ASSERT_EQ(back.tensors.size(), 2u);
  EXPECT_EQ(back.tensors.at("e64").dtype, Dtype::f64);
  EXPECT_EQ(back.tensors.at("e32").dtype, Dtype::f32);
  EXPECT_EQ(back.tensors.at("e32").shape, (std::vector<std::int64_t>{2, 0, 3}));
  EXPECT_TRUE(back.tensors.at("e64").values.empty());
  EXPECT_TRUE(back.tensors.at("e32").values.empty());
  std::ifstream in(temp("only_empty"), std::ios::binary);
  std::uint64_t n = 0;
  in.read(reinterpret_cast<char*>(&n), 8);
  EXPECT_EQ(fs::file_size(temp("only_empty")), 8 + n);  // header only, no data bytes

  tensors["x"] = {Dtype::f32, {1}, {0.25}};  // an empty tensor beside a non-empty one
  write_safetensors(temp("mixed_empty"), tensors);
  const auto mixed = read_safetensors(temp("mixed_empty"));
  EXPECT_TRUE(mixed.tensors.at("e32").values.empty());
  EXPECT_EQ(mixed.tensors.at("x").values, (std::vector<double>{0.25}));
}

}  // namespace
}  // namespace saturn
