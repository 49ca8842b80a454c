#include "harness/sections.h"

namespace saturn {

TrainOptions train_options(const TrainingSpec& training, const OptimizerOptions& optimizer) {
  TrainOptions o;
  o.steps = training.steps;
  o.optimizer = optimizer;
  o.schedule = training.schedule;
  o.schedule.total = training.steps;
  o.attention_temperature = training.attention_temperature;
  if (o.attention_temperature.steps == 0) o.attention_temperature.steps = training.steps;
  o.seed = training.seed;
  o.log_every = training.log_every;
  o.eval_every = training.eval_every;
  o.checkpoint_every = training.checkpoint_every;
  return o;
}

}  // namespace saturn
