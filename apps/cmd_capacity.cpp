#include <fmt/format.h>

#include "apps/commands.h"
#include "harness/capacity.h"
#include "harness/task_file.h"

namespace saturn::cli {

void register_capacity(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("capacity", "Train a suite's tasks and tabulate softmax / saturated / hard recognition");
  static std::string tasks = "tasks.yaml", suite = "capacity", out;
  static std::vector<std::string> set;
  static int threads = 0;
  static std::uint64_t budget = 1u << 16;
  cmd->add_option("--tasks", tasks, "task file (default tasks.yaml)");
  cmd->add_option("--suite", suite, "suite (default capacity)");
  cmd->add_option("-o,--out", out, "output folder (run folders, capacity.csv, capacity.md)")->required();
  cmd->add_option("--set", set, "override a task key (repeatable)");
  cmd->add_option("-j,--threads", threads, "worker threads");
  cmd->add_option("--verify-budget", budget, "strings per exhaustive check (default 65536)");
  cmd->callback([&action] {
    action = [] {
      const auto file = load_task_file(tasks, set);
      const auto rows = capacity_table(file.suite(suite), {out, threads, budget, true});
      write_capacity(rows, out);
      fmt::print("\n{:<16} {:<10} {:>10} {:>10}  {}\n", "task", "mode", "train acc", "last bin", "recognizes exactly");
      for (const auto& r : rows)
        fmt::print("{:<16} {:<10} {:>10.3f} {:>10.3f}  {} up to {}{}\n", r.task, r.mode, r.accuracy.front(), r.accuracy.back(),
                   r.exact ? "yes" : "no ", r.verified_length, r.exact ? "" : " (" + r.counterexample + ")");
      fmt::print("wrote {}/capacity.csv and capacity.md\n", out);
      return kOk;
    };
  });
}

}  // namespace saturn::cli
