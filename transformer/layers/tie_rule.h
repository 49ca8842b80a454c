// The tie rule of saturated and hard attention (Merrill et al. 2021, "saturated attention"; the
// same rule as python/torch_reference.py's attention_weights): in one row of scores with maximum
// m, score s ties the maximum when m - s <= w, for the width w of the row's tie band:
//     relative (the default, strict rule):  w = tolerance * max(1, |m|), tolerance = kTieTolerance
//     absolute (saturated:TOL):             w = TOL, in logits (near-ties treated as ties)
// Saturated attention puts weight 1/ties on every tying score; hard attention weight 1 on the
// leftmost (hard_left, alias hard) or the rightmost (hard_right) one. Which tie unique-hard
// attention picks changes what it can express (Jerad et al. 2025). The only implementation, used
// by transformer/layers/attention.cpp (float and double model) and saturated_transformer/evaluator.cpp
// (the double simulator).
//
// The difference m - s is exact whenever s is within a factor 2 of m (Sterbenz), so a score ties
// exactly when its true distance to the maximum is within the band. (The other form,
// s >= m - w, differs from this one when s equals the rounded floor and the floor was rounded
// down.) Rows with a non-finite maximum (finite weights never produce one) follow the same
// arithmetic: with +inf and the relative band the finite scores tie and the infinite ones do not
// (as in torch_reference.py); with an absolute band, or with -inf or NaN, nothing ties and every
// weight is 0.
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

// The tie band of one row: relative (tolerance * max(1, |m|)) or absolute (tolerance).
struct TieBand {
  double tolerance = kTieTolerance;  // relative tolerance, or the absolute width in logits
  bool absolute = false;             // true: m - s <= tolerance (saturated:TOL)

  static TieBand relative(double tolerance = kTieTolerance) { return {tolerance, false}; }
  static TieBand absolute_width(double width) { return {width, true}; }
  // The band's width for a row with maximum m, in the row's scalar type.
  template <class S>
  S width(S m) const {
    return absolute ? static_cast<S>(tolerance) : tie_band(m, tolerance);
  }
};

// Which of the tying scores get weight: all uniformly (saturated), the leftmost (hard_left) or the
// rightmost (hard_right) one.
enum class TiePick { all, leftmost, rightmost };

// Replaces a row of scores (n) by the attention weights of `pick` under `band`.
template <class Row>
void tie_weights(Row&& row, TiePick pick, const TieBand& band = {}) {
  using S = typename std::decay_t<Row>::Scalar;
  const long n = row.size();
  const S m = row.maxCoeff();
  const S w = band.width(m);
  auto ties = [&](long j) { return m - row[j] <= w; };
  if (pick != TiePick::all) {
    long at = n;  // the picked tying score (n: none)
    if (pick == TiePick::leftmost) {
      for (long j = 0; j < n && at == n; ++j)
        if (ties(j)) at = j;
    } else {
      for (long j = n - 1; j >= 0 && at == n; --j)
        if (ties(j)) at = j;
    }
    row.setZero();
    if (at < n) row[at] = S(1);
    return;
  }
  long count = 0;
  for (long j = 0; j < n; ++j) count += ties(j);
  const S weight = S(1) / static_cast<S>(count);
  for (long j = 0; j < n; ++j) row[j] = ties(j) ? weight : S(0);
}

}  // namespace saturn
