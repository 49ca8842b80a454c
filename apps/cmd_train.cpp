#include <fmt/format.h>

#include <filesystem>

#include "apps/commands.h"
#include "core/atomic_file.h"
#include "harness/task_file.h"
#include "harness/kinds/language/train.h"

namespace saturn::cli {

namespace {
struct TrainArgs {
  std::string task, tasks = "tasks.yaml", out;
  std::vector<std::string> set;
  int threads = 0;
};

int run_train(const TrainArgs& a) {
  const auto file = load_task_file(a.tasks, a.set, 0, "", a.task);
  const auto& task = language_spec(file.task(a.task));
  inputs_checked();
  const auto trained = train_task(task, {a.out, a.threads, true, -1, nullptr});
  const auto summary = training_summary(task, trained, a.threads);
  write_file_atomic(std::filesystem::path(a.out) / "summary.json", summary.dump(2) + "\n");
  fmt::print("{}: {} steps in {:.1f} s ({:.0f} examples/s)\n", task.name, summary["steps"].get<long>(),
             summary["seconds"].get<double>(), summary["examples_per_second"].get<double>());
  for (const auto& [name, e] : summary["eval"].items())
    fmt::print("  {:<20} accuracy {:.4f}  loss {:.4f}  ({} strings)\n", name, e["accuracy"].get<double>(),
               e["loss"].get<double>(), e["strings"].get<int>());
  fmt::print("wrote {}\n", a.out);
  return kOk;
}
}  // namespace

void register_train(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("train", "Train a task's transformer (metrics.jsonl, model/, summary.json in --out)");
  static TrainArgs a;
  cmd->add_option("--task", a.task, "task name")->required();
  cmd->add_option("--tasks", a.tasks, "task file (default tasks.yaml)");
  cmd->add_option("-o,--out", a.out, "output folder")->required();
  cmd->add_option("--set", a.set, "override a key of the task, e.g. --set model.d_model=64 (repeatable; only this task is affected)");
  cmd->add_option("-j,--threads", a.threads, "worker threads (default: all cores)");
  cmd->callback([&action] { action = [] { return run_train(a); }; });
}

}  // namespace saturn::cli
