// The tie rule of saturated and hard attention (Merrill et al. 2021, "saturated attention"; the
// same rule as python/torch_reference.py's attention_weights): in one row of scores with maximum
// m, score s ties the maximum when
//     m - s <= tolerance * max(1, |m|)
// Saturated attention puts weight 1/ties on every tying score, hard attention weight 1 on the
// leftmost one. The only implementation, used by transformer/layers/attention.cpp (float and
// double model) and saturated_transformer/evaluator.cpp (the double simulator).
//
// The difference m - s is exact whenever s is within a factor 2 of m (Sterbenz), so a score ties
// exactly when its true distance to the maximum is within the tolerance. (The other form,
// s >= m - tolerance * max(1, |m|), differs from this one when s equals the rounded floor and
// the floor was rounded down.) Rows with a non-finite maximum (finite weights never produce
// one) follow the same arithmetic: with +inf the finite scores tie and the infinite ones do not
// (as in torch_reference.py); with -inf or NaN nothing ties and every weight is 0.
#pragma once

#include <algorithm>
#include <cmath>
#include <type_traits>

namespace saturn {

inline constexpr double kTieTolerance = 1e-9;  // relative tolerance of the tie rule

// tolerance * max(1, |m|) in the row's scalar type.
template <class S>
S tie_band(S m, double tolerance = kTieTolerance) {
  return static_cast<S>(tolerance) * std::max(S(1), std::abs(m));
}

// Replaces a row of scores (n) by saturated (hard = false) or hard (hard = true) attention weights.
template <class Row>
void tie_weights(Row&& row, bool hard, double tolerance = kTieTolerance) {
  using S = typename std::decay_t<Row>::Scalar;
  const long n = row.size();
  const S m = row.maxCoeff();
  const S band = tie_band(m, tolerance);
  if (hard) {
    long first = 0;  // leftmost score tying the maximum (n: none)
    while (first < n && !(m - row[first] <= band)) ++first;
    row.setZero();
    if (first < n) row[first] = S(1);
    return;
  }
  long ties = 0;
  for (long j = 0; j < n; ++j) ties += (m - row[j] <= band);
  const S w = S(1) / static_cast<S>(ties);
  for (long j = 0; j < n; ++j) row[j] = (m - row[j] <= band) ? w : S(0);
}

}  // namespace saturn
