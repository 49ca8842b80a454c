// `saturn capacity`: the capacity table of a suite's runs (harness/capacity.h), read from the
// folders `saturn run` wrote; it trains nothing.
#include <fmt/format.h>

#include "apps/commands.h"
#include "core/error.h"
#include "harness/capacity.h"
#include "harness/suite_runner.h"
#include "harness/task_file.h"

namespace saturn::cli {

void register_capacity(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand(
      "capacity", "Tabulate softmax / saturated / hard recognition from a suite's runs (run `saturn run` first)");
  static std::string tasks = "tasks.yaml", suite = "capacity", out;
  static std::vector<std::string> set;
  cmd->add_option("--tasks", tasks, "task file (default tasks.yaml)");
  cmd->add_option("--suite", suite, "suite (default capacity)");
  cmd->add_option("-o,--out", out, "the suite's output folder of `saturn run` (capacity.csv, capacity.md are written there)")
      ->required();
  cmd->add_option("--set", set, "the --set overrides the suite was run with (repeatable)");
  cmd->callback([&action] {
    action = [] {
      const auto file = load_task_file(tasks, set, 0, suite);
      const auto runs = file.runs(suite);
      const auto done = complete_runs(runs, out);
      if (done.empty())
        throw Error(fmt::format("{}: no complete run of suite '{}' (run: saturn run {} --suite {} --out {})", out, suite,
                                tasks, suite, out));
      inputs_checked();
      const auto rows = capacity_rows(done);
      write_capacity(rows, out);
      fmt::print("{:<16} {:<10} {:>10} {:>10}  {}\n", "run", "mode", "train acc", "last bin", "recognizes exactly");
      for (const auto& r : rows)
        fmt::print("{:<16} {:<10} {:>10.3f} {:>10.3f}  {} up to {}{}\n", r.run, r.mode, r.splits.front().accuracy,
                   r.splits.back().accuracy,
                   r.exact ? "yes" : "no ", r.verified_length, r.exact ? "" : " (" + r.counterexample + ")");
      if (done.size() < runs.size())
        fmt::print("{} of {} runs of the suite are complete (the others are not in the table)\n", done.size(), runs.size());
      fmt::print("wrote {}/capacity.csv and capacity.md\n", out);
      return kOk;
    };
  });
}

}  // namespace saturn::cli
