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
//   results.csv            one row per run x mode x split (only complete runs, suite order)
//   runs.csv               one row per run: sweep values, seed and the run's scalars
//   (both in the tidy schema of docs/results-schema.md, built from tidy_rows)
//   report.html            harness/report.h
//   suite.json             suite, task file, git revision, runs and which are complete
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/length_range.h"
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
  std::string report_problem;         // why report.html's figures are missing (harness/report.h); empty: drawn
};

// The runs of a shard, in suite order.
std::vector<const RunPoint*> shard_runs(const std::vector<const RunPoint*>& runs, const Shard& shard);

// Runs (or resumes) the suite. A run that fails is reported in the outcome and left incomplete;
// the others go on. Throws saturn::Error when a complete run's config differs from the current
// one (the folder belongs to another experiment) or on I/O failures.
SuiteOutcome run_suite(const std::string& suite, const std::vector<const RunPoint*>& runs, const SuiteOptions& options);

// The complete runs among `runs` (summary.json present), in order.
std::vector<RunRecord> complete_runs(const std::vector<const RunPoint*>& runs, const std::filesystem::path& out);

// What a run is about, for the CSVs: the language kind's language (canonical spec, e.g.
// "dyck:k=2") and scan_snap's model variant (reparam | transformer); empty for other kinds.
struct RunLabels {
  std::string language, variant;
};
RunLabels run_labels(const RunRecord& run);

// One row of results.csv in the tidy schema (docs/results-schema.md): a run evaluated in one
// attention mode on one split.
struct TidyRow {
  std::string mode;                    // softmax | saturated | hard | scaled:RHO | ...
  std::string split;                   // train | test
  std::optional<LengthRange> lengths;  // the split's string lengths (language kind; none otherwise)
  int strings = 0;
  double accuracy = 0, loss = 0;       // NaN when not measured
};
// A complete run's rows (summary.json "rows") in the tidy schema, in their recorded order.
// scan_snap's old rows name the variant as the mode: they become mode softmax (both variants
// attend by softmax). Throws saturn::Error for a language run whose row names a split its task
// does not have.
std::vector<TidyRow> tidy_rows(const RunRecord& run);

// Shortest text that reads back as the same double; empty for NaN and infinities.
std::string csv_number(double x);
// A CSV field, quoted when it holds a comma, quote or newline.
std::string csv_field(const std::string& s);

// results.csv and runs.csv contents for complete runs (deterministic: no timings).
std::string results_csv(const std::vector<RunRecord>& runs);
std::string runs_csv(const std::vector<RunRecord>& runs);

}  // namespace saturn
