// Evaluation modes of the saturated-attention simulator (Merrill et al. 2021; MSS 2022).
//
//   softmax         the model as trained
//   temperature:C   every attention score multiplied by C before the softmax
//   scaled:RHO      every parameter multiplied by RHO, i.e. f(x; RHO*theta) (in double)
//   saturated       the limit of temperature:C as C -> infinity: each head averages uniformly over
//                   the positions whose score ties the maximum (strong saturated attention zeta)
//   saturated:TOL   uniform over the positions whose score is within TOL (absolute, in logits) of
//                   the maximum: near-ties treated as ties (TOL finite, >= 0)
//   hard_left       unique-max attention: all weight on the leftmost maximal position (eta);
//                   `hard` is an alias (and keeps its spelling in str())
//   hard_right      all weight on the rightmost maximal position (Jerad et al. 2025)
//
// Ties: score s_j ties the maximum m when m - s_j <= kTieTolerance * max(1, |m|) (the one tie rule,
// transformer/layers/tie_rule.h, shared with the trainable model's attention), or m - s_j <= TOL
// for saturated:TOL. Keys computed from identical inputs produce bitwise-identical scores, so
// equal tokens always tie exactly.
#pragma once

#include <string>
#include <string_view>

#include "transformer/layers/tie_rule.h"

namespace saturn {

struct EvalMode {
  enum class Kind { softmax, temperature, scaled, saturated, hard_left, hard_right };
  Kind kind = Kind::softmax;
  double value = 1.0;          // C for temperature, RHO for scaled, TOL for saturated:TOL
  bool tolerance = false;      // saturated only: value is an absolute tie band TOL (saturated:TOL)
  bool spelled_hard = false;   // hard_left written as its alias "hard" (str() gives "hard")

  // Parses "softmax", "temperature:C", "scaled:RHO", "saturated", "saturated:TOL", "hard",
  // "hard_left", "hard_right"; throws saturn::Error with a one-line message.
  static EvalMode parse(std::string_view text);
  std::string str() const;
  // The tie band of the saturated and hard kinds: absolute TOL for saturated:TOL, else the
  // strict relative rule (kTieTolerance).
  TieBand band() const { return tolerance ? TieBand::absolute_width(value) : TieBand::relative(); }
  static EvalMode softmax() { return {}; }
  static EvalMode saturated() { return {Kind::saturated, 1.0}; }
  static EvalMode saturated_within(double tol) { return {Kind::saturated, tol, true}; }
  static EvalMode hard() { return {Kind::hard_left, 1.0, false, true}; }
  static EvalMode hard_left() { return {Kind::hard_left, 1.0}; }
  static EvalMode hard_right() { return {Kind::hard_right, 1.0}; }
  static EvalMode temperature(double c) { return {Kind::temperature, c}; }
  static EvalMode scaled(double rho) { return {Kind::scaled, rho}; }
};

}  // namespace saturn
