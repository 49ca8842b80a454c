#include "harness/kinds/language/train.h"

#include <cstdio>

#include "core/parallel.h"
#include "core/version.h"
#include "harness/kinds/language/batches.h"
#include "harness/progress.h"
#include "languages/registry.h"
#include "transformer/config_json.h"
#include "transformer/layers/gemm.h"

namespace saturn {

TrainedTask train_task(const TaskSpec& task, const TrainTaskOptions& options) {
  ThreadLimit limit(options.threads);
  LanguagePtr lang = make_language(task.language);
  auto splits = make_task_splits(*lang, task);
  const ModelConfig config = model_config_for(task, *lang);
  TrainedTask t{std::move(lang), std::move(splits), Model<float>(config), {}};
  t.model.init(task.training.seed);
  const SplitDataSource data(config, *t.language, t.splits.front(), task.training.batch_size, task.training.seed,
                             task.targets, task.epochs > 0);
  std::vector<EvalSet> evals;
  for (const auto& split : t.splits)
    evals.push_back(make_eval_set(config, *t.language, split, task.training.eval_batch_size, task.targets));

  // `epochs`: passes over the train split in order, evaluated after each (training_steps()).
  TrainingSpec training = task.training;
  if (task.epochs > 0) {
    training.steps = static_cast<int>(training_steps(task, data.size()));
    training.eval_every = static_cast<int>(data.batches_per_epoch());
  }
  TrainOptions o = train_options(training, task.optimizer);
  if (options.eval_every >= 0) o.eval_every = options.eval_every;
  if (options.on_eval)
    o.on_eval = [&](std::int64_t step, const std::vector<EvalScore>& scores) {
      if (step < o.steps) options.on_eval(step, t.model, t.splits, scores);
    };
  o.out_dir = options.out;
  if (options.progress)
    o.on_progress = progress_to_stderr();
  t.training = train(t.model, data, evals, o);
  if (options.progress) end_progress_on_stderr();
  return t;
}

std::int64_t training_steps(const TaskSpec& task, std::size_t train_size) {
  if (task.epochs <= 0) return task.training.steps;
  const auto b = static_cast<std::int64_t>(task.training.batch_size);
  return task.epochs * ((static_cast<std::int64_t>(train_size) + b - 1) / b);
}

nlohmann::ordered_json training_summary(const TaskSpec& task, const TrainedTask& trained, int threads) {
  const auto& s = trained.training;
  nlohmann::ordered_json summary;
  summary["task"] = task.name;
  summary["language"] = trained.language->spec();
  summary["seed"] = {{"data", task.seed}, {"training", task.training.seed}};
  summary["git_revision"] = git_revision();
  summary["gemm_backend"] = gemm_backend();
  summary["threads"] = threads;
  summary["model"] = config_to_json(trained.model.config);
  summary["parameters"] = trained.model.params.size();
  summary["steps"] = s.steps_done;
  summary["final_loss"] = s.final_loss;
  summary["seconds"] = s.seconds;
  summary["examples_per_second"] = s.examples_per_second;
  summary["tokens_per_second"] = s.tokens_per_second;
  for (const auto& e : s.evals) summary["eval"][e.name] = {{"loss", e.loss}, {"accuracy", e.accuracy}, {"strings", e.strings}};
  return summary;
}

}  // namespace saturn
