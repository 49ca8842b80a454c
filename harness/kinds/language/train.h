// Training one language task: language -> splits -> batches -> trained model, handed on in memory
// (the `language` kind's analyses and `saturn train` read the TrainedTask; nothing is built twice
// and nothing is read back from disk). The run folder gets the trainer's files (metrics.jsonl,
// checkpoint/, model/).
#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include "harness/kinds/language/spec.h"
#include "harness/kinds/language/splits.h"
#include "languages/language.h"
#include "transformer/trainer.h"

namespace saturn {

struct TrainTaskOptions {
  std::filesystem::path out;   // run folder (metrics.jsonl, checkpoint/, model/)
  int threads = 0;             // 0: all cores
  bool progress = false;       // progress line on stderr
  int eval_every = -1;         // >= 0: replaces the task's training.eval_every
  // After every evaluation during training (not the final one), with the model as it is then and
  // the task's splits.
  std::function<void(std::int64_t step, const Model<float>& model, const std::vector<Split>& splits,
                     const std::vector<EvalScore>& scores)>
      on_eval;
};

// A trained task: everything the analyses need, built once.
struct TrainedTask {
  LanguagePtr language;
  std::vector<Split> splits;  // train first, then one per test bin (make_task_splits)
  Model<float> model;         // as trained (the last step); also saved in out/model
  TrainSummary training;      // steps, final loss, timings, final evaluation per split (in split order)
};

// Builds the language and splits, trains the task's model (resuming from a checkpoint in
// options.out when there is one) and returns it. Throws DivergedError or saturn::Error.
TrainedTask train_task(const TaskSpec& task, const TrainTaskOptions& options);

// Steps of a task's training: training.steps, or with `epochs` E, E * ceil(train_size / batch_size)
// (one evaluation after each pass, at steps that are multiples of the pass length).
std::int64_t training_steps(const TaskSpec& task, std::size_t train_size);

// The summary of a training (`saturn train`'s summary.json): task, language, seeds, revision,
// model config, parameter count, steps, final loss, timings and the final evaluation per split.
nlohmann::ordered_json training_summary(const TaskSpec& task, const TrainedTask& trained, int threads);

}  // namespace saturn
