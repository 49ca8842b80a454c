// The 1-layer, position-free reparameterised transformer that Tian et al. 2023 train (Model2 of
// facebookresearch/luckmatters decoder_only.py):
//   logit_l = Z[x_l, q]            attention logit of key token x_l for the query (last) token q
//   a = softmax_l(logit)           over the L-1 keys (no 1/sqrt(d), no positions)
//   f = sum_l a_l e_{x_l}          the bag-of-tokens mixture in R^M
//   g = f / |f|_2                  normalisation (their LayerNorm stand-in)
//   logits = Y g ; loss = cross-entropy(logits, next token)
// Z (M x M) and Y (M x M) are trained by SGD with separate learning rates (eta_Y = ratio * eta_Z).
// forward_backward computes the mean loss of a batch and accumulates dZ, dY.
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "scan_snap/data.h"

namespace saturn::scan_snap {

using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct Model {
  Matrix z;  // (M, M): z(key, query)
  Matrix y;  // (M, M): y(output, input)
  explicit Model(int vocab) : z(Matrix::Zero(vocab, vocab)), y(Matrix::Zero(vocab, vocab)) {}
};

struct Grads {
  Matrix z, y;
  explicit Grads(int vocab) : z(Matrix::Zero(vocab, vocab)), y(Matrix::Zero(vocab, vocab)) {}
  void zero() { z.setZero(), y.setZero(); }
};

// Attention weights of one sequence: (L-1).
Eigen::VectorXd attention(const Model& m, const Sequence& s);

// Mean cross-entropy over the batch; accumulates the gradients of that mean into g. Returns the
// number of correct argmax predictions in *correct when given.
double forward_backward(const Model& m, const std::vector<Sequence>& batch, Grads& g, int* correct = nullptr);

}  // namespace saturn::scan_snap
