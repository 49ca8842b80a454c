// Multi-head scaled dot-product attention (Vaswani et al. 2017) over a packed batch: string i owns
// rows offsets[i] .. offsets[i+1]-1 of q, k, v (N, d); head h owns columns h*D .. (h+1)*D-1.
// Scores S = round_G(c Q K^T / sqrt(D)) (keys t' <= t when causal; c and G from ScoreRule, 1 and
// off by default), P = softmax(S), out = P V.
// Parallel over strings; each string writes only its own rows, so results are deterministic.
#pragma once

#include <cmath>
#include <vector>

#include "transformer/layers/tie_rule.h"
#include "transformer/tensor.h"

namespace saturn {

// How attention weights are formed from the scaled scores s (row of one query). Only softmax has
// a backward pass; the others are forward-only hooks for the saturated-attention studies.
//   softmax:     p = softmax(s)
//   temperature: p = softmax(C s)
//   saturated:   p uniform over the keys tying the maximum: max - s <= the band's width
//                (relative: tolerance * max(1, |max|), the strict default; absolute: TOL)
//   hard_left:   p one-hot on the leftmost key tying the maximum (same tie rule)
//   hard_right:  p one-hot on the rightmost key tying the maximum
// (the tie rule of transformer/layers/tie_rule.h, shared with the saturated-transformer simulator)
enum class AttentionKind { softmax, temperature, saturated, hard_left, hard_right };
struct AttentionMode {
  AttentionKind kind = AttentionKind::softmax;
  double temperature = 1.0;  // C (temperature kind)
  TieBand band{};            // tie band (saturated and hard kinds); default: relative kTieTolerance
};

// The attention score of a query q and a key k of one head of width D (issue 11 section 3; the
// model's attention_scale and score_rounding, docs/saturation.md "Training toward saturation"):
//     s = round_G(c * (q . k) / sqrt(D)),   computed as (q . k) * (c / sqrt(D)), then rounded,
//     round_G(x) = G * nearbyint(x / G)     (the nearest multiple of G, halves to even; G = 0: x).
// Every attention mode (softmax, temperature:C, saturated, hard) acts on s. The backward pass is
// straight-through: rounding passes the gradient unchanged, so ds/d(q . k) = c / sqrt(D).
// The same rule in the double simulator (saturated_transformer/evaluator.cpp, trie_batch.cpp) and
// in python/torch_reference.py.
struct ScoreRule {
  double scale = 1.0;  // c > 0 (the training temperature factor)
  double grid = 0.0;   // G >= 0 (0: no rounding)
};

// round_G(x) in the scalar type of x (G = 0: x unchanged).
template <class S>
S round_score(S x, double grid) {
  if (!(grid > 0)) return x;
  const S g = static_cast<S>(grid);
  return g * std::nearbyint(x / g);
}
// round_G over a row (or any Eigen expression that can be assigned) of scores, in place.
template <class Row>
void round_scores(Row&& row, double grid) {
  if (!(grid > 0)) return;
  for (long j = 0; j < row.size(); ++j) row[j] = round_score(row[j], grid);
}

struct AttentionShape {
  int heads = 1;
  bool causal = false;
  const std::vector<int>* offsets = nullptr;        // (B+1) row offsets
  const std::vector<long>* prob_offsets = nullptr;  // (B+1) offsets into the probability buffer (H blocks each)
  AttentionMode mode{};                             // forward only; backward requires softmax
  ScoreRule scores{};                               // c and G (forward and backward)
};

// Probability-buffer entries of one string of T tokens: H blocks of T^2, each padded to 64 bytes.
template <class S>
long attention_prob_size(int heads, long T) {
  return heads * padded<S>(T * T);
}

// out (N, d) = attention; probs: per string H blocks (each T_i^2, row-major [query][key], padded by
// attention_prob_size) with zeros above the diagonal when causal.
template <class S>
void attention_forward(const AttentionShape& shape, const CMatRef<S>& q, const CMatRef<S>& k, const CMatRef<S>& v,
                       AlignedVector<S>& probs, MatRef<S> out);

// dq, dk, dv (N, d) += gradients from dout (N, d). Throws saturn::Error unless mode is softmax.
template <class S>
void attention_backward(const AttentionShape& shape, const CMatRef<S>& q, const CMatRef<S>& k, const CMatRef<S>& v,
                        const AlignedVector<S>& probs, const CMatRef<S>& dout, MatRef<S> dq, MatRef<S> dk, MatRef<S> dv);

// One query per string (the last layer of a model whose loss reads one position): row i of q and
// out (B, d) belongs to position pos[i] of string i, whose keys and values are its rows of k, v
// (N, d) as above (causal: keys <= pos[i]). probs: per string H blocks of T_i weights, each padded
// (offsets in shape.prob_offsets, sized by attention_query_prob_size).
template <class S>
long attention_query_prob_size(int heads, long T) {
  return heads * padded<S>(T);
}
template <class S>
void attention_query_forward(const AttentionShape& shape, const std::vector<int>& pos, const CMatRef<S>& q,
                             const CMatRef<S>& k, const CMatRef<S>& v, AlignedVector<S>& probs, MatRef<S> out);
// dq (B, d), dk, dv (N, d) += gradients from dout (B, d). Softmax only.
template <class S>
void attention_query_backward(const AttentionShape& shape, const std::vector<int>& pos, const CMatRef<S>& q,
                              const CMatRef<S>& k, const CMatRef<S>& v, const AlignedVector<S>& probs,
                              const CMatRef<S>& dout, MatRef<S> dq, MatRef<S> dk, MatRef<S> dv);

// Mean attention entropy (nats) per head over all query positions of the batch.
template <class S>
std::vector<double> attention_entropy(const AttentionShape& shape, const AlignedVector<S>& probs);

}  // namespace saturn
