// Evaluation modes of the saturated-attention simulator (Merrill et al. 2021; MSS 2022).
//
//   softmax         the model as trained
//   temperature:C   every attention score multiplied by C before the softmax
//   scaled:RHO      every parameter multiplied by RHO, i.e. f(x; RHO*theta) (in double)
//   saturated       the limit of temperature:C as C -> infinity: each head averages uniformly over
//                   the positions whose score ties the maximum (strong saturated attention zeta)
//   hard            unique-max attention: all weight on the leftmost maximal position (eta)
//
// Ties: score s_j ties the maximum m when m - s_j <= kTieTolerance * max(1, |m|) (the one tie rule,
// transformer/layers/tie_rule.h, shared with the trainable model's attention). Keys computed
// from identical inputs produce bitwise-identical scores, so equal tokens always tie exactly.
#pragma once

#include <string>
#include <string_view>

namespace saturn {

struct EvalMode {
  enum class Kind { softmax, temperature, scaled, saturated, hard };
  Kind kind = Kind::softmax;
  double value = 1.0;  // C for temperature, RHO for scaled

  // Parses "softmax", "temperature:C", "scaled:RHO", "saturated", "hard"; throws saturn::Error.
  static EvalMode parse(std::string_view text);
  std::string str() const;
  static EvalMode softmax() { return {}; }
  static EvalMode saturated() { return {Kind::saturated, 1.0}; }
  static EvalMode hard() { return {Kind::hard, 1.0}; }
  static EvalMode temperature(double c) { return {Kind::temperature, c}; }
  static EvalMode scaled(double rho) { return {Kind::scaled, rho}; }
};

}  // namespace saturn
