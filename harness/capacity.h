// The capacity table ("which languages does the (saturated) network recognize?"), a view over a
// suite's run folders as `saturn run` wrote them: nothing is trained, evaluated or verified
// again. For each complete language run and each evaluation mode: the accuracy per length bin
// (results.csv's rows) and the exhaustive verification of analysis.verify_length (summary.json's
// scalars exact_MODE, verified_length and result.verify.MODE.counterexample).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "harness/suite_runner.h"
#include "harness/task_kind.h"

namespace saturn {

struct CapacityRow {
  std::string task, run, language, mode;  // run: the run id (the task's name when it has no sweep)
  std::vector<TidyRow> splits;            // this mode's rows of results.csv (train first)
  int verified_length = 0;          // every string from the task's shortest training length up to this one was checked (0: none)
  bool exact = false;               // ... and all were decided like the oracle
  std::string counterexample;       // shortest, when not exact
};

// One row per complete language run x mode, in run order then the run's mode order; runs of
// other kinds are skipped.
std::vector<CapacityRow> capacity_rows(const std::vector<RunRecord>& runs);

// capacity.csv: one line per row x split, in results.csv's tidy schema (docs/results-schema.md).
std::string capacity_csv(const std::vector<CapacityRow>& rows);
// capacity.md: one table line per row.
std::string capacity_markdown(const std::vector<CapacityRow>& rows);
// Writes both into `out` (atomically).
void write_capacity(const std::vector<CapacityRow>& rows, const std::filesystem::path& out);

}  // namespace saturn
