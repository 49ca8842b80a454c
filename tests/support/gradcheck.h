// The one gradient check of the tests: analytic gradients against central differences in double
// precision, with one tolerance and a guard against checks that compare nothing.
//
// For every entry x_j of every input, fd_j = (loss(x_j + h) - loss(x_j - h)) / (2 h). An input
// passes when the relative error of the whole block,
//     rel = sqrt(sum_j (fd_j - an_j)^2 / sum_j (fd_j^2 + an_j^2)),
// is at most kGradCheckTolerance, or when every |fd_j - an_j| is within the round-off floor of a
// central difference (below). The floor only matters for derivatives that are exactly zero in exact
// arithmetic (a key bias shifts every score of a query equally, so softmax ignores it): there both
// sides are rounding noise and the relative error is about 1.
//
// Vacuity guard: the check FAILS (report.vacuous) when fewer than `min_checked` entries were
// compared, or when every analytic and numerical derivative is within the round-off floor of zero --
// then any backward, even one that writes nothing, would pass. With `every_input_nonzero`, each input
// on its own must have a derivative above the floor.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace saturn::testing {

// Step h of the central difference: truncation error ~ h^2 |f'''| / 6 ~ 1e-13, rounding error
// ~ eps |loss| / h ~ 1e-10 for losses of order one.
inline constexpr double kGradCheckStep = 1e-6;
// The one tolerance on the relative error of an input block (see above). Gradients computed in
// double that are right agree to about 1e-9; a wrong term is off by far more than 1e-6.
inline constexpr double kGradCheckTolerance = 1e-6;
// The round-off floor of one central difference is kGradCheckUlps * eps * max(1, |loss|) / h: the two
// losses carry a few dozen ulps of rounding each, divided by 2h.
inline constexpr double kGradCheckUlps = 64;

struct GradInput {
  std::string name;
  double* values;           // (size): perturbed one entry at a time, then restored exactly
  std::size_t size;
  const double* analytic;   // (size): d loss / d values as the code under test computed it
};

struct GradCheckOptions {
  std::size_t min_checked = 1;       // fewer compared entries in all is a vacuous check (at least 1)
  bool every_input_nonzero = false;  // each input must have a derivative above the round-off floor
};

struct GradInputResult {
  std::string name;
  std::size_t size = 0;
  double rel_error = 0;   // relative error of the block (0 when both sides are exactly zero)
  double worst = 0;       // max_j |fd_j - an_j|
  double largest = 0;     // max_j max(|fd_j|, |an_j|)
  bool passed = false;    // rel_error <= tolerance or worst <= floor
};

struct GradCheckReport {
  bool ok = false;         // every input passed and the check is not vacuous
  bool vacuous = false;    // see the guard above
  double loss = 0;         // the loss at the unperturbed point
  double floor = 0;        // the round-off floor used for this loss
  std::size_t checked = 0; // entries compared
  std::vector<GradInputResult> inputs;
  std::string message;     // one line per failed input and the reason a check is vacuous
};

// Compares every entry of every input. loss() must be a deterministic function of the inputs'
// current values (it is called 2 * checked + 1 times).
GradCheckReport check_gradients(const std::function<double()>& loss, const std::vector<GradInput>& inputs,
                                const GradCheckOptions& options = {});

}  // namespace saturn::testing
