// The parameter table's two orders: table order (names, files, reductions) and layout order
// (offsets; q | k | v side by side so the stacked matrix is a view).
#include <gtest/gtest.h>

#include <numeric>

#include "core/rng.h"
#include "tests/support/error_message.h"
#include "tests/transformer/tiny_model.h"
#include "transformer/optimizer.h"
#include "transformer/param_table.h"

namespace saturn {
namespace {

using testing::error_message;

TensorTable three_tensors() {
  TensorTable t;
  t.add("a", {2, 3}, ParamGroup::embedding);  // 6
  t.add("b", {4}, ParamGroup::attention);     // 4
  t.add("c", {5}, ParamGroup::head);          // 5
  return t;
}

TEST(ParamTable, AddLaysTensorsOutInTableOrder) {
  const TensorTable t = three_tensors();
  EXPECT_EQ(t.total_size(), 15u);
  EXPECT_EQ(t.at("a").offset, 0u);
  EXPECT_EQ(t.at("b").offset, 6u);
  EXPECT_EQ(t.at("c").offset, 10u);
  EXPECT_EQ(t.layout_order(), (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(t.find("d"), nullptr);
  EXPECT_NE(error_message([&] { (void)t.at("d"); }).find("d"), std::string::npos);
}

TEST(ParamTable, LayOutMovesOffsetsButKeepsTableOrderAndSize) {
  TensorTable t = three_tensors();
  t.lay_out({2, 0, 1});
  EXPECT_EQ(t.total_size(), 15u);
  EXPECT_EQ(t.specs()[0].name, "a");  // table order unchanged
  EXPECT_EQ(t.specs()[2].name, "c");
  EXPECT_EQ(t.at("c").offset, 0u);
  EXPECT_EQ(t.at("a").offset, 5u);
  EXPECT_EQ(t.at("b").offset, 11u);
  EXPECT_EQ(t.layout_order(), (std::vector<std::size_t>{2, 0, 1}));
}

TEST(ParamTable, LayOutRefusesWhatIsNotAPermutation) {
  for (const std::vector<std::size_t>& bad : {std::vector<std::size_t>{0, 1}, std::vector<std::size_t>{0, 1, 1},
                                              std::vector<std::size_t>{0, 1, 3}, std::vector<std::size_t>{0, 1, 2, 0}}) {
    TensorTable t = three_tensors();
    EXPECT_FALSE(error_message([&] { t.lay_out(bad); }).empty()) << bad.size();
    EXPECT_EQ(t.at("b").offset, 6u);  // a refused layout leaves the table as it was
  }
}

// Every layer's q, k, v weights (and biases) are adjacent in the flat buffer, in that order, so
// that they form one (3d, d) matrix (and one (3d) vector); the table order is the documented one.
TEST(ParamTable, QkvWeightsAndBiasesAreAdjacentInEveryLayer) {
  for (bool bias : {true, false}) {
    testing::Variant v;
    v.attn_bias = bias;
    const ModelConfig c = testing::tiny_config(v, /*d=*/8, /*heads=*/2, /*layers=*/3);
    const TensorTable t = parameter_table(c);
    const std::size_t dd = 8 * 8;
    for (int l = 0; l < 3; ++l) {
      const std::string p = "layers." + std::to_string(l) + ".attn.";
      const std::size_t q = t.at(p + "q.weight").offset;
      EXPECT_EQ(t.at(p + "k.weight").offset, q + dd) << l;
      EXPECT_EQ(t.at(p + "v.weight").offset, q + 2 * dd) << l;
      if (bias) {
        const std::size_t qb = t.at(p + "q.bias").offset;
        EXPECT_EQ(t.at(p + "k.bias").offset, qb + 8) << l;
        EXPECT_EQ(t.at(p + "v.bias").offset, qb + 16) << l;
      } else {
        EXPECT_EQ(t.find(p + "q.bias"), nullptr);
      }
    }
    // Table order: q weight and its bias are neighbours (what safetensors files list).
    const auto& s = t.specs();
    auto index = [&](const std::string& name) {
      for (std::size_t i = 0; i < s.size(); ++i)
        if (s[i].name == name) return i;
      return s.size();
    };
    EXPECT_EQ(s.front().name, "embed.weight");
    if (bias) {
      EXPECT_EQ(index("layers.0.attn.q.bias"), index("layers.0.attn.q.weight") + 1);
    }
    // The layout covers the buffer exactly: offsets in layout order are contiguous.
    std::size_t next = 0;
    for (std::size_t i : t.layout_order()) {
      EXPECT_EQ(s[i].offset, next) << s[i].name;
      next += s[i].size;
    }
    EXPECT_EQ(next, t.total_size());
    // The model's offsets agree with the table.
    const ParamOffsets o = param_offsets(c, t);
    EXPECT_EQ(o.layers[1].q_w, t.at("layers.1.attn.q.weight").offset);
    EXPECT_EQ(o.layers[1].v_b, bias ? t.at("layers.1.attn.v.bias").offset : kNoTensor);
  }
}

// The gradient norm does not depend on the layout: l2_norm(table, x) equals the flat norm of the
// same tensors copied out in table order, bit for bit.
TEST(ParamTable, NormOverTheTableIsTheFlatNormInTableOrder) {
  const ModelConfig c = testing::tiny_config(testing::Variant{}, 8, 2, 2);
  const TensorTable t = parameter_table(c);
  ASSERT_NE(t.layout_order(), [&] {
    std::vector<std::size_t> id(t.specs().size());
    std::iota(id.begin(), id.end(), 0);
    return id;
  }()) << "the test needs a layout that differs from the table order";
  Rng rng(7, 0);
  std::vector<float> x(t.total_size());
  for (auto& e : x) e = static_cast<float>(rng.normal());
  std::vector<float> in_table_order;
  for (const auto& s : t.specs()) in_table_order.insert(in_table_order.end(), x.begin() + static_cast<long>(s.offset),
                                                         x.begin() + static_cast<long>(s.offset + s.size));
  ASSERT_EQ(in_table_order.size(), x.size());
  const double by_table = l2_norm(t, x.data());
  EXPECT_EQ(by_table, l2_norm(in_table_order.data(), in_table_order.size()));
  EXPECT_GT(by_table, 0.0);
}

TEST(ParamTable, OffsetsRefuseATableWithoutATensorTheConfigNeeds) {
  const ModelConfig two = testing::tiny_config(testing::Variant{}, 8, 2, 2);
  const ModelConfig three = testing::tiny_config(testing::Variant{}, 8, 2, 3);
  EXPECT_NE(error_message([&] { (void)param_offsets(three, parameter_table(two)); }).find("layers.2"),
            std::string::npos);
}

}  // namespace
}  // namespace saturn
