// Loading and validating `tasks.yaml`.
//
// Every problem is collected (not just the first) and reported as one line each:
//   tasks.yaml:12:5: field 'tasks.dyck1.train.lengths': length range '9..3' is empty (9 > 3)
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "harness/task.h"

namespace saturn {

class TaskFileError : public Error {
 public:
  explicit TaskFileError(std::vector<InputError> problems);
  const std::vector<InputError>& problems() const { return problems_; }

 private:
  std::vector<InputError> problems_;
};

// Reads, parses and validates a task file (languages are built to check their specs, and every
// split must have at least one length with examples). Throws TaskFileError listing every problem.
// `overrides` ("model.d_model=64", ...) are set before validation in the tasks in scope (`task`
// when named, else the tasks of `suite` when named, else every task) whose kind has that key
// (TaskKindEntry::has_key); "TASK.model.d_model=64" sets it in TASK only. An override that no
// task in scope has, or a malformed one, is a problem located at "--set KEY"; a bad value is
// reported as "--set KEY=VALUE: field 'tasks.NAME.KEY': reason". `seeds` > 0 sweeps every task's `seed` over 1..seeds
// (replacing a `seed` axis of its sweep).
//
// Sweep points are made for the tasks of `suite` (all tasks when empty); TaskFile::runs of another
// suite then throws.
// Sweeps (harness/sweep.h): a task's `sweep:` maps config keys (dotted, e.g. optimizer.lr) to lists of values, or
// to mappings from labels to values; every combination is one RunPoint (first key outermost).
TaskFile load_task_file(const std::string& path, const std::vector<std::string>& overrides = {}, int seeds = 0,
                        const std::string& suite = "", const std::string& task = "");
// Same, from text; `path` only names the source in messages.
TaskFile parse_task_file(const std::string& text, const std::string& path, const std::vector<std::string>& overrides = {},
                         int seeds = 0, const std::string& suite = "", const std::string& task = "");

}  // namespace saturn
