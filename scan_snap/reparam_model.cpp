#include "scan_snap/reparam_model.h"

#include <algorithm>
#include <cmath>

namespace saturn::scan_snap {

Eigen::VectorXd attention(const Model& m, const Sequence& s) {
  const long n = static_cast<long>(s.keys.size());
  Eigen::VectorXd a(n);
  for (long l = 0; l < n; ++l) a[l] = m.z(s.keys[static_cast<std::size_t>(l)], s.query);
  a.array() -= a.maxCoeff();
  a = a.array().exp();
  return a / a.sum();
}

// The mixture f of a sequence is supported on its distinct key tokens S (at most the class's
// support, e.g. 20 of M = 240 tokens in Fig. 6), so every product with Y runs over those columns
// only: logits = Y[:, S] g_S, dg_S = Y[:, S]^T p, dY[:, S] += p g_S^T (the other entries of g, dg
// and dY's columns are exactly zero or unused). Cost O(|S| M + L) per sequence instead of O(M^2).
double forward_backward(const Model& m, const std::vector<Sequence>& batch, Grads& g, int* correct) {
  const long M = m.z.rows();
  const double inv_b = 1.0 / static_cast<double>(batch.size());
  double loss = 0;
  int right = 0;
  Eigen::VectorXd f = Eigen::VectorXd::Zero(M), logits(M), p(M), df(M);
  std::vector<char> seen(static_cast<std::size_t>(M), 0);
  std::vector<int> support;  // S: the distinct key tokens, in increasing order
  for (const auto& s : batch) {
    const long n = static_cast<long>(s.keys.size());
    // forward
    const Eigen::VectorXd a = attention(m, s);  // (L-1)
    support.clear();
    for (long l = 0; l < n; ++l) {
      const int x = s.keys[static_cast<std::size_t>(l)];
      f[x] += a[l];
      if (!seen[static_cast<std::size_t>(x)]) seen[static_cast<std::size_t>(x)] = 1, support.push_back(x);
    }
    std::sort(support.begin(), support.end());
    double sq = 0;
    for (int j : support) sq += f[j] * f[j];
    const double norm = std::sqrt(sq);
    for (int j : support) f[j] /= norm;  // f now holds g = f / |f| on S
    logits.setZero();
    for (int j : support) logits += m.y.col(j) * f[j];
    const double mx = logits.maxCoeff();
    p = (logits.array() - mx).exp();
    const double sum = p.sum();
    p /= sum;
    loss += -(logits[s.label] - mx - std::log(sum));
    Eigen::Index best = 0;
    logits.maxCoeff(&best);
    right += best == s.label;
    // backward (of the batch mean)
    p[s.label] -= 1.0;
    p *= inv_b;  // dlogits
    double g_dg = 0;
    for (int j : support) {
      g.y.col(j) += p * f[j];
      df[j] = m.y.col(j).dot(p);  // d(loss)/dg_j
      g_dg += f[j] * df[j];
    }
    for (int j : support) df[j] = (df[j] - f[j] * g_dg) / norm;
    double a_da = 0;
    Eigen::VectorXd da(n);
    for (long l = 0; l < n; ++l) {
      da[l] = df[s.keys[static_cast<std::size_t>(l)]];
      a_da += a[l] * da[l];
    }
    for (long l = 0; l < n; ++l) g.z(s.keys[static_cast<std::size_t>(l)], s.query) += a[l] * (da[l] - a_da);
    for (int j : support) f[j] = 0, seen[static_cast<std::size_t>(j)] = 0;
  }
  if (correct) *correct = right;
  return loss * inv_b;
}

}  // namespace saturn::scan_snap
