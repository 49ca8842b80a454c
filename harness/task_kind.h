// The interface of an experiment kind's parsed settings (TaskKind), what one run returns
// (RunOutput, its results.csv rows ResultRow) and a complete run as the suite files see it
// (RunRecord).
//
// A task of tasks.yaml has a `kind` (default `language`, the list: harness/kinds/registry.h); a
// sweep point of it is one run with its own folder. The runner (harness/suite_runner.h) creates the folder, writes config.yaml, calls
// the kind's `run`, and writes summary.json atomically when the run is complete. Everything a
// kind returns in RunOutput must be a pure function of the task (deterministic for its seed,
// independent of the thread count): results.csv and runs.csv are built from it, and a resumed
// suite must give byte-identical files. Timings go only to summary.json.
#pragma once

#include <filesystem>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "harness/task.h"

namespace saturn {

// One row of results.csv: a run evaluated in one mode on one split (length bin).
struct ResultRow {
  std::string mode;   // softmax | saturated | hard | reparam | transformer | ...
  std::string bin;    // split name: train, test_52..100, ...
  int strings = 0;    // examples evaluated
  double accuracy = std::numeric_limits<double>::quiet_NaN();
  double loss = std::numeric_limits<double>::quiet_NaN();
};

struct RunOutput {
  std::vector<ResultRow> rows;
  // Named final figures of the run (runs.csv columns), e.g. steps_to_grok, norm_exponent.
  std::vector<std::pair<std::string, double>> scalars;
  // Anything else worth keeping (summary.json's "result"); may hold timings.
  nlohmann::ordered_json details = nlohmann::ordered_json::object();
};

struct RunContext {
  std::filesystem::path dir;  // the run folder (exists); a kind writes only inside it
  int threads = 0;            // 0: the caller's limit
  bool progress = false;      // progress lines on stderr
};

// A task's kind-specific settings, parsed and validated from tasks.yaml, able to run itself.
class TaskKind {
 public:
  virtual ~TaskKind() = default;
  virtual const char* kind() const = 0;
  // The run's master seed (recorded in summary.json and the CSVs).
  virtual std::uint64_t seed() const = 0;
  // Runs one point to completion inside ctx.dir. May resume from files a killed earlier attempt
  // left there, or start over; either way the output must equal an uninterrupted run's.
  // Throws saturn::Error on failure.
  virtual RunOutput run(const RunContext& ctx) const = 0;
};

// A complete run: its point, folder and summary.json (what results.csv, runs.csv, report.html
// and `saturn capacity` read).
struct RunRecord {
  const RunPoint* point = nullptr;
  std::filesystem::path dir;
  nlohmann::json summary;
};

}  // namespace saturn
