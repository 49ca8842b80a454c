// Training one task end to end: splits, model, training, evaluation on every test bin, and the
// run folder (config.yaml as resolved, metrics.jsonl, summary.json, model/).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

#include "harness/task.h"
#include "transformer/trainer.h"

namespace saturn {

struct TrainTaskOptions {
  std::filesystem::path out;
  int threads = 0;        // 0: all cores
  bool progress = false;  // progress line on stderr
};

// Trains the task's model and writes the run folder; returns summary.json's content.
nlohmann::json train_task(const TaskSpec& task, const TrainTaskOptions& options);

}  // namespace saturn
