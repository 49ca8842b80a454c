#include "harness/train_task.h"

#include <fmt/format.h>

#include <cstdio>

#include "core/atomic_file.h"
#include "core/parallel.h"
#include "core/version.h"
#include "harness/training_data.h"
#include "languages/registry.h"
#include "transformer/model_dir.h"

namespace saturn {

nlohmann::json train_task(const TaskSpec& task, const TrainTaskOptions& options) {
  ThreadLimit limit(options.threads);
  const auto lang = make_language(task.language);
  const auto splits = make_task_splits(*lang, task);
  const ModelConfig config = model_config_for(task, *lang);
  Model<float> model(config);
  model.init(task.training.seed);
  const SplitDataSource data(config, *lang, splits.front(), task.training.batch_size, task.training.seed);
  std::vector<EvalSet> evals;
  evals.push_back(make_eval_set(config, *lang, splits.front(), task.training.eval_batch_size));
  for (std::size_t i = 1; i < splits.size(); ++i)
    evals.push_back(make_eval_set(config, *lang, splits[i], task.training.eval_batch_size));

  TrainOptions o;
  o.steps = task.training.steps;
  o.optimizer = task.optimizer;
  o.schedule = task.training.schedule;
  o.schedule.total = task.training.steps;
  o.seed = task.training.seed;
  o.log_every = task.training.log_every;
  o.eval_every = options.eval_every >= 0 ? options.eval_every : task.training.eval_every;
  if (options.on_eval)
    o.on_eval = [&](std::int64_t step, const std::vector<EvalScore>& scores) {
      if (step < o.steps) options.on_eval(step, model, scores);
    };
  o.checkpoint_every = task.training.checkpoint_every;
  o.out_dir = options.out;
  if (options.progress)
    o.on_progress = [](const Progress& p) { std::fprintf(stderr, "\r%s   ", format_progress(p).c_str()); };
  const auto s = train(model, data, evals, o);
  if (options.progress) std::fprintf(stderr, "\n");

  nlohmann::ordered_json summary;
  summary["task"] = task.name;
  summary["language"] = lang->spec();
  summary["seed"] = {{"data", task.seed}, {"training", task.training.seed}};
  summary["git_revision"] = git_revision();
  summary["threads"] = options.threads;
  summary["model"] = config_to_json(config);
  summary["parameters"] = model.params.size();
  summary["steps"] = s.steps_done;
  summary["final_loss"] = s.final_loss;
  summary["seconds"] = s.seconds;
  summary["examples_per_second"] = s.examples_per_second;
  summary["tokens_per_second"] = s.tokens_per_second;
  for (const auto& e : s.evals) summary["eval"][e.name] = {{"loss", e.loss}, {"accuracy", e.accuracy}, {"strings", e.strings}};
  if (!options.out.empty() && options.write_summary) write_file_atomic(options.out / "summary.json", summary.dump(2) + "\n");
  return summary;
}

}  // namespace saturn
