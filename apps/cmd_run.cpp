#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "apps/commands.h"
#include "core/atomic_file.h"
#include "core/parallel.h"
#include "core/version.h"
#include "harness/survey.h"
#include "harness/task_file.h"

namespace saturn::cli {

namespace {

struct RunArgs {
  std::string tasks = "tasks.yaml", suite = "quick", out;
  int threads = 0;
};

int run_suite(const RunArgs& a) {
  ThreadLimit limit(a.threads);
  const auto file = load_task_file(a.tasks);
  const auto tasks = file.suite(a.suite);
  fmt::print("suite '{}' from {} ({} tasks, saturn {})\n\n", a.suite, a.tasks, tasks.size(), git_revision());
  fmt::print("{:<16} {:<22} {:>3} {:>12} {:>24} {:>9} {:>22} {:>9}\n", "task", "language", "|S|", "train lens",
             "members at longest", "train", "test bins", "draw ms");
  nlohmann::json results = nlohmann::json::array();
  for (const TaskSpec* t : tasks) {
    const auto s = survey_task(*t);
    std::string bins;
    for (std::size_t i = 1; i < s.splits.size(); ++i) bins += (i > 1 ? "," : "") + s.splits[i].lengths.str();
    const auto& train = s.splits.front();
    fmt::print("{:<16} {:<22} {:>3} {:>12} {:>24} {:>9} {:>22} {:>9.1f}\n", s.task, s.language, s.alphabet_size,
               t->train.lengths.str(), fmt::format("n={}: {}", s.count_length, s.count.str()),
               fmt::format("{}+/{}-", train.members, train.size - train.members), bins.empty() ? "-" : bins,
               1000 * s.seconds);
    nlohmann::json splits = nlohmann::json::array();
    for (const auto& sp : s.splits)
      splits.push_back({{"name", sp.name}, {"lengths", sp.lengths.str()}, {"size", sp.size}, {"members", sp.members},
                        {"near_misses", sp.near_misses}, {"symbols", sp.symbols}});
    results.push_back({{"task", s.task}, {"language", s.language}, {"seed", t->seed},
                       {"count_length", s.count_length}, {"count", s.count.str()},
                       {"train_members_total", s.total_train.str()}, {"splits", splits}, {"seconds", s.seconds}});
  }
  if (!a.out.empty()) {
    std::filesystem::create_directories(a.out);
    const nlohmann::json summary{{"suite", a.suite}, {"tasks_file", a.tasks}, {"git_revision", git_revision()},
                                 {"threads", a.threads}, {"tasks", results}};
    write_file_atomic(std::filesystem::path(a.out) / "survey.json", summary.dump(2) + "\n");
    fmt::print("\nwrote {}\n", (std::filesystem::path(a.out) / "survey.json").string());
  }
  return kOk;
}

}  // namespace

void register_run(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("run", "Run every task of a suite of a task file");
  static RunArgs a;
  cmd->add_option("tasks", a.tasks, "task file (default tasks.yaml)");
  cmd->add_option("--suite", a.suite, "suite name (default quick)");
  cmd->add_option("-o,--out", a.out, "output folder");
  cmd->add_option("-j,--threads", a.threads, "worker threads (default: all cores)");
  cmd->callback([&action] { action = [] { return run_suite(a); }; });
}

}  // namespace saturn::cli
