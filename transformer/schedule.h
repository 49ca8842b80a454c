// Learning-rate schedules as a factor of the base rate: constant; linear warm-up then cosine or
// linear decay to min_factor at `total` steps; inverse square root after warm-up
// (factor = sqrt(warmup / step), as in Vaswani et al. / T5). Also the attention temperature schedule.
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

// training.attention_temperature (issue 11 section 3, docs/saturation.md "Training toward
// saturation"): the factor c(t) that multiplies every attention score (ScoreRule::scale,
// transformer/layers/attention.h) after t steps of training (t = 0 before the first step):
//     constant:     c(t) = F
//     linear:       c(t) = 1 + (F - 1) min(1, t / N)
//     exponential:  c(t) = F^min(1, t / N)          (geometric from 1 to F)
// Step t of training (counting from 0) uses c(t); the model after T steps carries c(T) as its
// attention_scale (so F once T >= N). c is a function of t alone: a resumed run is bitwise identical.
struct AttentionTemperature {
  enum class Kind { constant, linear, exponential };
  Kind kind = Kind::constant;
  double final = 1.0;  // F > 0 (1: no temperature; the model's attention_scale is left alone)
  long steps = 0;      // N >= 1 (0: the run's training.steps, set by the harness)

  bool active() const { return final != 1.0; }
  double factor(long t) const;  // c(t); throws saturn::Error when F <= 0 or N < 1 for a growing kind
  static Kind parse(const std::string& name);  // throws saturn::Error
};
const char* to_string(AttentionTemperature::Kind k);

}  // namespace saturn
