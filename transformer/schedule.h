// Learning-rate schedules as a factor of the base rate: constant; linear warm-up then cosine or
// linear decay to min_factor at `total` steps; inverse square root after warm-up
// (factor = sqrt(warmup / step), as in Vaswani et al. / T5).
#pragma once

#include <string>

namespace saturn {

struct Schedule {
  enum class Kind { constant, cosine, linear, inverse_sqrt };
  Kind kind = Kind::constant;
  int warmup = 0;          // steps of linear warm-up from 0
  int total = 1;           // steps over which cosine/linear decay
  double min_factor = 0.0;

  double factor(long step) const;  // step counts from 0
  static Kind parse(const std::string& name);  // throws saturn::Error
};

}  // namespace saturn
