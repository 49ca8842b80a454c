// The settings sections that several experiment kinds share: `model:` and `training:` of
// tasks.yaml as plain structs (parsed by harness/yaml_validator.h), and the one conversion of a
// `training:` section into the trainer's options.
#pragma once

#include <cstdint>

#include "transformer/config.h"
#include "transformer/optimizer.h"
#include "transformer/schedule.h"
#include "transformer/trainer.h"

namespace saturn {

// The `model:` section; vocab, tokens, BOS and outputs are derived by the kind (language, head).
struct ModelSpec {
  ModelConfig config;
  bool head_set = false;     // otherwise from the objective
  bool max_len_set = false;  // otherwise 1 + the longest length of any split
};

// The `training:` section.
struct TrainingSpec {
  int steps = 300;
  int batch_size = 32;
  Schedule schedule;
  int log_every = 50;
  int eval_every = 0;
  int checkpoint_every = 0;
  std::uint64_t seed = 1;  // initialisation and batch order
  int eval_batch_size = 64;
  bool seed_set = false;   // otherwise the task's seed
  AttentionTemperature attention_temperature;  // {final, schedule, steps}; steps 0: `steps` above
};

// The trainer's options for a `training:` section and an optimizer: steps, optimizer, schedule
// (over all steps), attention temperature (over all steps unless it names its own), seed,
// log/eval/checkpoint periods. Callbacks, out_dir and stop rules are the caller's to set.
TrainOptions train_options(const TrainingSpec& training, const OptimizerOptions& optimizer);

}  // namespace saturn
