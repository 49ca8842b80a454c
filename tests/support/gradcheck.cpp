#include "tests/support/gradcheck.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace saturn::testing {

GradCheckReport check_gradients(const std::function<double()>& loss, const std::vector<GradInput>& inputs,
                                const GradCheckOptions& options) {
  const double h = kGradCheckStep;
  GradCheckReport r;
  r.loss = loss();
  r.floor = kGradCheckUlps * std::numeric_limits<double>::epsilon() * std::max(1.0, std::abs(r.loss)) / h;
  std::ostringstream msg;
  msg.precision(3);
  bool inputs_passed = true, any_nonzero = false;
  for (const auto& in : inputs) {
    GradInputResult res;
    res.name = in.name;
    res.size = in.size;
    double diff = 0, norm = 0;
    for (std::size_t j = 0; j < in.size; ++j) {
      const double old = in.values[j];
      in.values[j] = old + h;
      const double up = loss();
      in.values[j] = old - h;
      const double down = loss();
      in.values[j] = old;
      const double fd = (up - down) / (2 * h), an = in.analytic[j];
      diff += (fd - an) * (fd - an);
      norm += fd * fd + an * an;
      const double d = std::abs(fd - an), big = std::max(std::abs(fd), std::abs(an));
      if (std::isnan(d) || d > res.worst) res.worst = d;  // a NaN sticks (std::max would drop it)
      if (std::isnan(big) || big > res.largest) res.largest = big;
    }
    // A NaN anywhere makes rel_error NaN and the comparisons below false: the input fails.
    res.rel_error = norm > 0 ? std::sqrt(diff / norm) : (diff == 0 ? 0.0 : std::numeric_limits<double>::quiet_NaN());
    res.passed = res.rel_error <= kGradCheckTolerance || res.worst <= r.floor;
    if (!res.passed) {
      inputs_passed = false;
      msg << in.name << ": relative error " << res.rel_error << " > " << kGradCheckTolerance << ", worst |fd - analytic| "
          << res.worst << " > round-off floor " << r.floor << "\n";
    }
    const bool nonzero = res.largest > r.floor;
    any_nonzero = any_nonzero || nonzero;
    if (options.every_input_nonzero && !nonzero) {
      r.vacuous = true;
      msg << in.name << ": every derivative is within the round-off floor " << r.floor
          << " of zero, the check would be vacuous\n";
    }
    r.checked += in.size;
    r.inputs.push_back(std::move(res));
  }
  const std::size_t needed = std::max<std::size_t>(1, options.min_checked);
  if (r.checked < needed) {
    r.vacuous = true;
    msg << "only " << r.checked << " entries compared, at least " << needed << " needed: the check would be vacuous\n";
  }
  if (r.checked > 0 && !any_nonzero) {
    r.vacuous = true;
    msg << "every analytic and numerical derivative is within the round-off floor " << r.floor
        << " of zero: the check would be vacuous\n";
  }
  r.ok = inputs_passed && !r.vacuous;
  r.message = msg.str();
  return r;
}

}  // namespace saturn::testing
