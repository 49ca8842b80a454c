// Multi-head scaled dot-product attention (Vaswani et al. 2017) over a packed batch: string i owns
// rows offsets[i] .. offsets[i+1]-1 of q, k, v (N, d); head h owns columns h*D .. (h+1)*D-1.
// Scores S = Q K^T / sqrt(D) (keys t' <= t when causal), P = softmax(S), out = P V.
// Parallel over strings; each string writes only its own rows, so results are deterministic.
#pragma once

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

struct AttentionShape {
  int heads = 1;
  bool causal = false;
  const std::vector<int>* offsets = nullptr;        // (B+1) row offsets
  const std::vector<long>* prob_offsets = nullptr;  // (B+1) offsets into the probability buffer (H blocks each)
  AttentionMode mode{};                             // forward only; backward requires softmax
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
