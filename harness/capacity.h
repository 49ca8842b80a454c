// The capacity table: for each task of a suite, train (or reuse) its model, then evaluate it in
// softmax, saturated and hard modes on every length bin and verify it exhaustively up to a
// length: "which languages does the (saturated) network recognize?".
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "harness/task.h"

namespace saturn {

struct CapacityRow {
  std::string task, language, mode;
  std::vector<std::string> bins;    // split names (train first)
  std::vector<double> accuracy;     // per bin
  int verified_length = 0;          // every string from the task's shortest training length up to this one was checked
  bool exact = false;               // ... and all were decided like the oracle
  std::string counterexample;       // shortest, when not exact
};

struct CapacityOptions {
  std::filesystem::path out;     // one run folder per task, capacity.csv, capacity.md
  int threads = 0;
  std::uint64_t verify_budget = 1u << 16;  // strings per exhaustive check (sets the length)
  bool progress = false;
};

std::vector<CapacityRow> capacity_table(const std::vector<const TaskSpec*>& tasks, const CapacityOptions& options);

// Writes capacity.csv (one row per task x mode x bin) and capacity.md (task x mode).
void write_capacity(const std::vector<CapacityRow>& rows, const std::filesystem::path& out);

}  // namespace saturn
