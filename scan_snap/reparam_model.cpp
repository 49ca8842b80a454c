#include "scan_snap/reparam_model.h"

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

double forward_backward(const Model& m, const std::vector<Sequence>& batch, Grads& g, int* correct) {
  const long M = m.z.rows();
  const double inv_b = 1.0 / static_cast<double>(batch.size());
  double loss = 0;
  int right = 0;
  Eigen::VectorXd f(M), gvec(M), logits(M), p(M), dg(M), df(M);
  for (const auto& s : batch) {
    const long n = static_cast<long>(s.keys.size());
    // forward
    const Eigen::VectorXd a = attention(m, s);  // (L-1)
    f.setZero();
    for (long l = 0; l < n; ++l) f[s.keys[static_cast<std::size_t>(l)]] += a[l];
    const double norm = f.norm();
    gvec = f / norm;
    logits.noalias() = m.y * gvec;
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
    p *= inv_b;                          // dlogits
    g.y.noalias() += p * gvec.transpose();
    dg.noalias() = m.y.transpose() * p;  // d(loss)/dg
    df = (dg - gvec * gvec.dot(dg)) / norm;
    double a_da = 0;
    Eigen::VectorXd da(n);
    for (long l = 0; l < n; ++l) {
      da[l] = df[s.keys[static_cast<std::size_t>(l)]];
      a_da += a[l] * da[l];
    }
    for (long l = 0; l < n; ++l) g.z(s.keys[static_cast<std::size_t>(l)], s.query) += a[l] * (da[l] - a_da);
  }
  if (correct) *correct = right;
  return loss * inv_b;
}

}  // namespace saturn::scan_snap
