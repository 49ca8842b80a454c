// Training one task end to end: splits, model, training, evaluation on every test bin, and the
// run folder (config.yaml as resolved, metrics.jsonl, summary.json, model/).
#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "harness/task.h"
#include "transformer/trainer.h"

namespace saturn {

struct TrainTaskOptions {
  std::filesystem::path out;
  int threads = 0;             // 0: all cores
  bool progress = false;       // progress line on stderr
  bool write_summary = true;   // summary.json (`saturn run` writes its own when the whole run is done)
  int eval_every = -1;         // >= 0: replaces the task's training.eval_every
  // After every evaluation during training (not the final one), with the model as it is then.
  std::function<void(std::int64_t step, const Model<float>& model, const std::vector<EvalScore>& scores)> on_eval;
};

// Trains the task's model and writes the run folder; returns summary.json's content.
nlohmann::json train_task(const TaskSpec& task, const TrainTaskOptions& options);

}  // namespace saturn
