#include "saturated_transformer/constructions.h"

#include <fmt/format.h>

namespace saturn {

namespace {

// A model of the given shape with every tensor zero: no layer norm, no positions, ReLU, one head.
ModelWeights zero_model(const std::string& alphabet, int d, int layers, int d_ff, bool causal) {
  ModelWeights w;
  auto& c = w.config;
  for (char ch : alphabet) c.tokens.push_back(std::string(1, ch));
  c.tokens.push_back("<bos>");
  c.vocab = static_cast<int>(c.tokens.size());
  c.bos_id = c.vocab - 1;
  c.d_model = d;
  c.n_layers = layers;
  c.n_heads = 1;
  c.d_ff = d_ff;
  c.activation = Activation::relu;
  c.layer_norm = LayerNormMode::none;
  c.ln = {AttnLnPlace::none, false, false};
  c.ln_eps = 0;
  c.attn_bias = true;
  c.positional = Positional::none;
  c.max_len = 4096;
  c.causal = causal;
  c.head = HeadKind::classify;
  c.readout = causal ? ClassifyReadout::last : ClassifyReadout::bos;
  c.readout_scale = 1.0;
  c.n_outputs = 1;
  for (const auto& [name, shape] : ModelWeights::expected_tensors(c))
    w.tensors[name] = Eigen::MatrixXd::Zero(shape[0], shape.size() == 2 ? shape[1] : 1);
  return w;
}

// One-hot token embeddings: symbol i (and BOS, the last token) -> e_i.
void one_hot_embeddings(ModelWeights& w) {
  auto& e = w.tensors["embed.weight"];
  for (int i = 0; i < w.config.vocab; ++i) e(i, i) = 1.0;
}

// Layer `l`'s head attends uniformly (zero queries and keys) and passes the token coordinates
// 0..vocab-1 through the value projection unchanged.
void uniform_head(ModelWeights& w, int l) {
  auto& wv = w.tensors[fmt::format("layers.{}.attn.v.weight", l)];
  for (int i = 0; i < w.config.vocab; ++i) wv(i, i) = 1.0;
}

// Layer `l`'s head has a constant query and key = value = coordinate `src`: in saturated mode it
// returns max_j x_j[src] over the visible positions; the o projection writes it to `dst`.
void argmax_head(ModelWeights& w, int l, int src, int dst) {
  const auto p = fmt::format("layers.{}.attn.", l);
  w.tensors[p + "q.bias"](0, 0) = 1.0;
  w.tensors[p + "k.weight"](0, src) = 1.0;
  w.tensors[p + "v.weight"](0, src) = 1.0;
  w.tensors[p + "o.weight"](dst, 0) = 1.0;
}

// FFN units u, u+1, u+2 of layer l compute the bump ReLU(x+U) - 2 ReLU(x) + ReLU(x-U) = U [x = 0]
// for x = coordinate `x` (an integer multiple of U) and U = coordinate `unit`; adds it to `dst`.
void bump(ModelWeights& w, int l, int u, int x, int unit, int dst) {
  const auto p = fmt::format("layers.{}.ffn.", l);
  auto& w1 = w.tensors[p + "fc1.weight"];
  auto& w2 = w.tensors[p + "fc2.weight"];
  const double sign[3] = {1.0, 0.0, -1.0}, out[3] = {1.0, -2.0, 1.0};
  for (int i = 0; i < 3; ++i) {
    w1(u + i, x) = 1.0;
    w1(u + i, unit) = sign[i];
    w2(dst, u + i) = out[i];
  }
}

// What every construction starts from: the zero model with one-hot embeddings and a uniform
// first-layer head passing the token coordinates through (its o projection is left to the caller).
ModelWeights counting_model(const std::string& alphabet, int d, int layers, int d_ff, bool causal) {
  auto w = zero_model(alphabet, d, layers, d_ff, causal);
  one_hot_embeddings(w);
  uniform_head(w, 0);
  return w;
}

// Entries (row, column, value) written into a tensor.
struct Entry {
  int row, col;
  double value;
};
void set(ModelWeights& w, const std::string& tensor, std::initializer_list<Entry> entries) {
  auto& t = w.tensors.at(tensor);
  for (const auto& e : entries) t(e.row, e.col) = e.value;
}

// The classifier of the prefix checkers: logit = (sum of `bumps` bump coordinates, each U when
// its count equality holds) - 2 * bumps * max bad - (bumps - 1/2) * U at the last position: +U/2 for
// members, <= -U/2 otherwise.
void checker_head(ModelWeights& w, int bump, int max_bad, int unit, int bumps) {
  set(w, "head.weight", {{0, bump, 1.0}, {0, max_bad, -2.0 * bumps}, {0, unit, -(bumps - 0.5)}});
}

}  // namespace

Construction build_majority() {
  // Coordinates: 0 = '0', 1 = '1', 2 = BOS, 3 = (#1 - #0)/(n+1).
  auto w = counting_model("01", 4, 1, 1, false);
  auto& wo = w.tensors["layers.0.attn.o.weight"];
  wo(3, 1) = 1.0;
  wo(3, 0) = -1.0;
  w.tensors["head.weight"](0, 3) = 1.0;
  return {"majority", "majority", std::move(w)};
}

Construction build_dyck1() {
  // 0 '(', 1 ')', 2 BOS, 3 D = balance/(t+1), 4 U = 1/(t+1), 5 neg = ReLU(-D), 6 max neg, 7 bump.
  auto w = counting_model("()", 8, 2, 4, true);
  set(w, "layers.0.attn.o.weight", {{3, 0, 1.0}, {3, 1, -1.0}, {4, 2, 1.0}});
  set(w, "layers.0.ffn.fc1.weight", {{0, 3, -1.0}});  // unit 0: ReLU(-D)
  set(w, "layers.0.ffn.fc2.weight", {{5, 0, 1.0}});
  bump(w, 0, 1, 3, 4, 7);
  argmax_head(w, 1, 5, 6);
  checker_head(w, 7, 6, 4, 1);
  return {"dyck1", "dyck:k=1", std::move(w)};
}

Construction build_anbn() {
  // 0 a, 1 b, 2 BOS, 3 D = (#a-#b)/(t+1), 4 U, 5 B = #b/(t+1), 6 bad, 7 bump, 8 max bad.
  auto w = counting_model("ab", 9, 2, 4, true);
  set(w, "layers.0.attn.o.weight", {{3, 0, 1.0}, {3, 1, -1.0}, {4, 2, 1.0}, {5, 1, 1.0}});
  set(w, "layers.0.ffn.fc1.weight", {{0, 5, 1.0}, {0, 0, 1.0}});  // unit 0: bad = ReLU(B + [a] - 1)
  set(w, "layers.0.ffn.fc1.bias", {{0, 0, -1.0}});
  set(w, "layers.0.ffn.fc2.weight", {{6, 0, 1.0}});
  bump(w, 0, 1, 3, 4, 7);
  argmax_head(w, 1, 6, 8);
  checker_head(w, 7, 8, 4, 1);
  return {"anbn", "anbn", std::move(w)};
}

Construction build_anbncn() {
  // 0 a, 1 b, 2 c, 3 BOS, 4 D1 = (#a-#b)/(t+1), 5 D2 = (#b-#c)/(t+1), 6 U, 7 B = #b/(t+1),
  // 8 C = #c/(t+1), 9 bad, 10 bumps, 11 max bad.
  auto w = counting_model("abc", 12, 2, 8, true);
  set(w, "layers.0.attn.o.weight", {{4, 0, 1.0}, {4, 1, -1.0}, {5, 1, 1.0}, {5, 2, -1.0}, {6, 3, 1.0}, {7, 1, 1.0}, {8, 2, 1.0}});
  // unit 0: an a after some b or c; unit 1: a b after some c.
  set(w, "layers.0.ffn.fc1.weight", {{0, 7, 1.0}, {0, 8, 1.0}, {0, 0, 1.0}, {1, 8, 1.0}, {1, 1, 1.0}});
  set(w, "layers.0.ffn.fc1.bias", {{0, 0, -1.0}, {1, 0, -1.0}});
  set(w, "layers.0.ffn.fc2.weight", {{9, 0, 1.0}, {9, 1, 1.0}});
  bump(w, 0, 2, 4, 6, 10);
  bump(w, 0, 5, 5, 6, 10);
  argmax_head(w, 1, 9, 11);
  checker_head(w, 10, 11, 6, 2);
  return {"anbncn", "anbncn", std::move(w)};
}

std::vector<Construction> all_constructions() {
  return {build_majority(), build_dyck1(), build_anbn(), build_anbncn()};
}

}  // namespace saturn
