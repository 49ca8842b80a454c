// `saturn capacity`: the capacity table (harness/capacity.h) of one or more suites' runs, read
// from the folders `saturn run` wrote (it trains nothing), with the hand-built constructions
// verified in every mode of the table and the theory column of harness/theory.yaml.
#include <fmt/format.h>

#include <list>

#include "apps/commands.h"
#include "core/error.h"
#include "harness/capacity.h"
#include "harness/suite_runner.h"
#include "harness/task_file.h"
#include "harness/theory.h"

namespace saturn::cli {

void register_capacity(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand(
      "capacity",
      "Tabulate softmax / saturated / hard recognition from suites' runs, with constructions and theory (run `saturn run` first)");
  static std::string tasks = "tasks.yaml", table, theory_file, programs;
  static std::vector<std::string> suites, outs, set;
  static int seeds = 0;
  static CapacityOptions options;
  static bool no_constructions = false;
  cmd->add_option("--tasks", tasks, "task file (default tasks.yaml)");
  cmd->add_option("--suite", suites, "a suite (repeatable; default capacity), e.g. --suite capacity --suite saturation_training");
  cmd->add_option("-o,--out", outs,
                  "the output folder `saturn run` wrote for each --suite, in order (one folder: all suites' runs are there)")
      ->required();
  cmd->add_option("--table", table, "where capacity.csv and capacity.md are written (default: the first --out)");
  cmd->add_option("--set", set, "the --set overrides the suites were run with (repeatable)");
  cmd->add_option("--seeds", seeds, "the --seeds the suites were run with")->check(CLI::NonNegativeNumber);
  cmd->add_option("--theory", theory_file, "the theory file (default: harness/theory.yaml of the source tree)");
  cmd->add_option("--programs", programs, "folder of the constructions' .sat programs (default: saturated_transformer/programs)");
  cmd->add_flag("--no-constructions", no_constructions, "leave the construction column empty (verify nothing)");
  cmd->add_option("--construction-budget", options.construction_budget,
                  "words per construction verification, all lengths up to N within it (default 65536)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--recognize-accuracy", options.recognize_accuracy,
                  "test accuracy (every bin) from which an exact trained model counts as recognizing (default 0.99)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->callback([&action] {
    action = [] {
      if (suites.empty()) suites = {"capacity"};
      if (outs.size() != 1 && outs.size() != suites.size())
        throw Error(fmt::format("--out: {} folders for {} suites (give one per --suite, or one for all)", outs.size(),
                                suites.size()));
      const Theory theory = load_theory(theory_file.empty() ? default_theory_path() : std::filesystem::path(theory_file));
      std::list<TaskFile> files;  // the runs point into them
      std::vector<std::pair<std::string, std::vector<RunRecord>>> done;
      std::size_t total = 0, complete = 0;
      for (std::size_t i = 0; i < suites.size(); ++i) {
        const std::string& out = outs.size() == 1 ? outs[0] : outs[i];
        files.push_back(load_task_file(tasks, set, seeds, suites[i]));
        const auto runs = files.back().runs(suites[i]);
        auto recs = complete_runs(runs, out);
        if (recs.empty())
          throw Error(fmt::format("{}: no complete run of suite '{}' (run: saturn run {} --suite {} --out {})", out, suites[i],
                                  tasks, suites[i], out));
        total += runs.size(), complete += recs.size();
        done.emplace_back(suites[i], std::move(recs));
      }
      inputs_checked();
      std::vector<CapacityRow> rows;
      for (const auto& [suite, recs] : done)
        for (auto& r : capacity_rows(recs, suites.size() > 1 ? suite : "")) rows.push_back(std::move(r));
      std::vector<ConstructionCheck> checks;
      if (!no_constructions) {
        std::vector<std::string> languages;
        for (const auto& r : rows)
          if (std::find(languages.begin(), languages.end(), r.language) == languages.end()) languages.push_back(r.language);
        checks = check_constructions(programs.empty() ? default_programs_dir() : std::filesystem::path(programs), languages,
                                     capacity_modes(rows), options);
      }
      annotate_capacity(rows, theory, checks, options);
      const std::string where = table.empty() ? outs[0] : table;
      write_capacity(rows, theory, where);
      fmt::print("{:<28} {:<14} {:>9} {:>9}  {:<22} {:<9} {}\n", "run", "mode", "train acc", "last bin", "recognizes exactly",
                 "theory", "construction");
      for (const auto& r : rows) {
        const TidyRow* last = nullptr;
        const TidyRow* train = nullptr;
        for (const auto& s : r.splits) (s.split == "train" ? train : last) = &s;
        std::string construction = "none";
        for (std::size_t k = 0; k < r.constructions.size(); ++k)
          construction = (k ? construction + ", " : "") + r.constructions[k].program + (r.constructions[k].exact ? " yes" : " no");
        fmt::print("{:<28} {:<14} {:>9} {:>9}  {:<22} {:<9} {}{}\n", r.suite.empty() ? r.run : r.suite + "/" + r.run, r.mode,
                   train ? fmt::format("{:.3f}", train->accuracy) : "–", last ? fmt::format("{:.3f}", last->accuracy) : "–",
                   !r.measured ? "not measured"
                   : r.verified_length == 0 ? "–"
                   : fmt::format("{} up to {}", r.exact ? "yes" : "no", r.verified_length),
                   r.theory_verdict.empty() ? "no entry" : r.theory_verdict, construction,
                   r.contradiction.empty() ? "" : "  CONTRADICTS THEORY: " + r.contradiction);
      }
      if (complete < total)
        fmt::print("{} of {} runs of the suites are complete (the others are not in the table)\n", complete, total);
      fmt::print("wrote {}/capacity.csv and capacity.md\n", where);
      return kOk;
    };
  });
}

}  // namespace saturn::cli
