// Running a suite: every run point of its tasks (harness/task_file.h), each in its own folder
// under the output directory, resumable and shardable; then results.csv, runs.csv and report.html.
//
// A run folder is complete exactly when its summary.json exists (written atomically, last).
// Restarting the same command skips complete runs and redoes incomplete ones, so an interrupted
// suite ends with the same files as an uninterrupted one. Shard I of N owns the runs whose index
// in suite order is I mod N; the shards' outputs can share one folder.
//
// Files under `out`:
//   <run id>/config.yaml   the task as resolved
//   <run id>/summary.json  seed, git revision, timings, rows, scalars, the kind's details
//   <run id>/...           the kind's files (metrics.jsonl, model/, traces)
//   results.csv            one row per run x mode x bin (only complete runs, suite order)
//   runs.csv               one row per run: sweep values, seed and the run's scalars
//   report.html            harness/report.h
//   suite.json             suite, task file, git revision, runs and which are complete
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/report.h"
#include "harness/task.h"

namespace saturn {

struct Shard {
  int index = 0, count = 1;  // this process runs the runs with i % count == index
  bool owns(std::size_t i) const { return static_cast<int>(i % static_cast<std::size_t>(count)) == index; }
};
// Parses "I/N" (0 <= I < N); throws saturn::Error.
Shard parse_shard(const std::string& text);

struct SuiteOptions {
  std::filesystem::path out;
  std::string tasks_file;    // recorded in summaries
  int threads = 0;
  bool progress = true;      // a line per run on stdout, training progress on stderr
  Shard shard;
  bool run = true;           // false: only collect complete runs and write the suite files
  bool write_files = true;   // results.csv, runs.csv, report.html, suite.json
};

struct SuiteOutcome {
  std::size_t runs = 0;      // in the suite
  std::size_t owned = 0;     // by this shard
  std::size_t ran = 0, skipped = 0, failed = 0;
  std::size_t complete = 0;  // complete runs found afterwards (all shards)
  std::vector<std::string> failures;  // "run id: message"
};

// The runs of a shard, in suite order.
std::vector<const RunPoint*> shard_runs(const std::vector<const RunPoint*>& runs, const Shard& shard);

// Runs (or resumes) the suite. A run that fails is reported in the outcome and left incomplete;
// the others go on. Throws saturn::Error when a complete run's config differs from the current
// one (the folder belongs to another experiment) or on I/O failures.
SuiteOutcome run_suite(const std::string& suite, const std::vector<const RunPoint*>& runs, const SuiteOptions& options);

// The complete runs among `runs` (summary.json present), in order.
std::vector<RunRecord> complete_runs(const std::vector<const RunPoint*>& runs, const std::filesystem::path& out);

// results.csv and runs.csv contents for complete runs (deterministic: no timings).
std::string results_csv(const std::vector<RunRecord>& runs);
std::string runs_csv(const std::vector<RunRecord>& runs);

}  // namespace saturn
