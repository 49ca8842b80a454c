// saturn run: every run of a suite (harness/suite_runner.h), resumable, shardable, and with an
// optional MPI build (-DSATURN_MPI=ON) where `mpirun -n P saturn run ...` gives rank r the shard
// r/P and rank 0 writes the suite files once every rank is done (the output folder must be shared).
#include <fmt/format.h>

#include <filesystem>

#include "apps/commands.h"
#include "core/atomic_file.h"
#include "core/version.h"
#include "harness/progress.h"
#include "harness/suite_runner.h"
#include "harness/kinds/language/survey.h"
#include "harness/task_file.h"

#ifdef SATURN_WITH_MPI
#include <mpi.h>
#endif

namespace saturn::cli {

namespace {

struct RunArgs {
  std::string tasks = "tasks.yaml", suite = "quick", out, shard;
  std::string json_out, csv_out;  // survey: the histograms as JSON / CSV files
  std::vector<std::string> set;
  int threads = 0, seeds = 0;
  bool list = false, report_only = false, quiet = false;
};

#ifdef SATURN_WITH_MPI
// MPI_Init/Finalize around the command; rank and size of the world.
struct MpiSession {
  int rank = 0, size = 1;
  MpiSession() {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) MPI_Init(nullptr, nullptr);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
  }
  ~MpiSession() { MPI_Finalize(); }
  void barrier() const { MPI_Barrier(MPI_COMM_WORLD); }
};
#else
struct MpiSession {
  int rank = 0, size = 1;
  void barrier() const {}
};
#endif

int run_command(const RunArgs& a) {
  const auto file = load_task_file(a.tasks, a.set, a.seeds, a.suite);
  const auto runs = file.runs(a.suite);
  MpiSession mpi;
  SuiteOptions o;
  o.out = a.out.empty() ? std::filesystem::path("runs") / a.suite : std::filesystem::path(a.out);
  o.tasks_file = a.tasks;
  o.threads = a.threads;
  o.progress = !a.quiet;
  if (!a.shard.empty()) o.shard = parse_shard(a.shard);
  if (mpi.size > 1) {
    if (!a.shard.empty()) throw Error("--shard cannot be combined with mpirun (each rank takes its own shard)");
    o.shard = {mpi.rank, mpi.size};
  }
  set_progress_rank(mpi.rank, mpi.size);  // "[rank r/P] " before each progress line under mpirun
  inputs_checked();
  if (a.list) {
    for (const RunPoint* p : shard_runs(runs, o.shard)) fmt::print("{}\n", p->id);
    return kOk;
  }
  o.run = !a.report_only;
  o.write_files = mpi.size == 1;
  if (mpi.rank == 0)
    fmt::print("suite '{}' from {}: {} runs{} -> {} (saturn {})\n", a.suite, a.tasks, runs.size(),
               o.shard.count > 1 ? fmt::format(", shard {}/{}", o.shard.index, o.shard.count) : "", o.out.string(),
               git_revision());
  auto outcome = run_suite(a.suite, runs, o);
  if (mpi.size > 1) {
    mpi.barrier();
    if (mpi.rank == 0) {
      o.run = false;
      o.write_files = true;
      outcome.complete = run_suite(a.suite, runs, o).complete;
    }
  }
  if (mpi.rank == 0 || !outcome.failures.empty()) {
    fmt::print("{} of {} runs complete ({} ran here, {} skipped, {} failed){}\n", outcome.complete, outcome.runs, outcome.ran,
               outcome.skipped, outcome.failed,
               o.write_files ? fmt::format("; wrote {}/results.csv, runs.csv, report.html", o.out.string()) : "");
    for (const auto& f : outcome.failures) fmt::print(stderr, "failed: {}\n", f);
  }
  return outcome.failed ? kFailure : kOk;
}

int survey_command(const RunArgs& a) {
  const auto file = load_task_file(a.tasks, a.set, 0, a.suite);
  inputs_checked();
  std::vector<TaskSurvey> surveys;
  for (const Task* task : file.suite(a.suite))
    if (const TaskSpec* t = language_spec(task->runner.get())) surveys.push_back(survey_task(*t));
  fmt::print("{}", survey_text(surveys));
  if (!a.json_out.empty()) write_file_atomic(a.json_out, survey_json(surveys));
  if (!a.csv_out.empty()) write_file_atomic(a.csv_out, survey_csv(surveys));
  return kOk;
}

}  // namespace

void register_run(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("run", "Run every task of a suite (training, evaluation, analyses); resumable");
  static RunArgs a;
  cmd->add_option("tasks", a.tasks, "task file (default tasks.yaml)");
  cmd->add_option("--suite", a.suite, "suite name (default quick)");
  cmd->add_option("-o,--out", a.out, "output folder (default runs/SUITE)");
  cmd->add_option("-j,--threads", a.threads, "worker threads per run (default: all cores)");
  cmd->add_option("--seeds", a.seeds, "run every task with seeds 1..N (a sweep over `seed`)");
  cmd->add_option("--set", a.set, "override a key in the suite's tasks whose kind has it, e.g. --set training.steps=100, or in one task: --set dyck1.optimizer.lr=0.01 (repeatable)");
  cmd->add_option("--shard", a.shard, "run only slice I of N (I/N, 0-based), e.g. for Slurm job arrays");
  cmd->add_flag("--list", a.list, "print the run ids (of the shard) and exit");
  cmd->add_flag("--report-only", a.report_only, "run nothing: collect complete runs, write results.csv and report.html");
  cmd->add_flag("-q,--quiet", a.quiet, "no progress output");
  cmd->callback([&action] { action = [] { return run_command(a); }; });

  auto* survey = app.add_subcommand("survey", "Counts, splits and their length and negative-kind histograms of a suite's language tasks (no training)");
  survey->add_option("tasks", a.tasks, "task file (default tasks.yaml)");
  survey->add_option("--suite", a.suite, "suite name (default quick)");
  survey->add_option("--set", a.set, "override a key in the suite's tasks whose kind has it, or TASK.key=value (repeatable)");
  survey->add_option("--json", a.json_out, "also write every split's length and kind histogram as JSON to this file");
  survey->add_option("--csv", a.csv_out, "... and as CSV (task,language,split,length,has_members,members,near_miss,uniform)");
  survey->callback([&action] { action = [] { return survey_command(a); }; });
}

}  // namespace saturn::cli
