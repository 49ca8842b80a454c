// Multi-head scaled dot-product attention (Vaswani et al. 2017) over a packed batch: string i owns
// rows offsets[i] .. offsets[i+1]-1 of q, k, v (N, d); head h owns columns h*D .. (h+1)*D-1.
// Scores S = Q K^T / sqrt(D) (keys t' <= t when causal), P = softmax(S), out = P V.
// Parallel over strings; each string writes only its own rows, so results are deterministic.
#pragma once

#include <vector>

#include "transformer/tensor.h"

namespace saturn {

struct AttentionShape {
  int heads = 1;
  bool causal = false;
  const std::vector<int>* offsets = nullptr;        // (B+1) row offsets
  const std::vector<long>* prob_offsets = nullptr;  // (B+1) offsets into the probability buffer (H T^2 each)
};

// out (N, d) = attention; probs: H T_i^2 per string, row-major [head][query][key] (zeros above
// the diagonal when causal).
template <class S>
void attention_forward(const AttentionShape& shape, const CMatRef<S>& q, const CMatRef<S>& k, const CMatRef<S>& v,
                       std::vector<S>& probs, MatRef<S> out);

// dq, dk, dv (N, d) += gradients from dout (N, d).
template <class S>
void attention_backward(const AttentionShape& shape, const CMatRef<S>& q, const CMatRef<S>& k, const CMatRef<S>& v,
                        const std::vector<S>& probs, const CMatRef<S>& dout, MatRef<S> dq, MatRef<S> dk, MatRef<S> dv);

// Mean attention entropy (nats) per head over all query positions of the batch.
template <class S>
std::vector<double> attention_entropy(const AttentionShape& shape, const std::vector<S>& probs);

}  // namespace saturn
