// A task of `tasks.yaml`, its sweep points and the file that holds them. Plain structs: only
// harness/task_file.cpp, harness/sweep.cpp and the kinds' parsers read YAML.
//
// A task has a kind (harness/kinds/registry.h); its kind-specific settings live in the kind's
// own spec (for the `language` kind: TaskSpec, harness/kinds/language/spec.h), reached through
// `runner`.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "harness/kinds/language/spec.h"

namespace saturn {

class TaskKind;  // harness/task_kind.h

struct Task {
  std::string name;
  std::string kind = "language";         // language | scan_snap | grokking
  std::uint64_t seed = 1;                // the task's `seed`
  std::shared_ptr<const TaskKind> runner;  // the parsed settings; runs one point
  // Where the task was defined (for messages).
  std::string file;
  int line = 0;
};

// One point of a task's sweep: one run with its own folder.
struct RunPoint {
  std::string id;  // folder below the suite's output: "dyck1", or "dyck1/optimizer.lr=0.001,seed=2"
  std::vector<std::pair<std::string, std::string>> params;  // sweep key -> value label, in sweep order
  std::string config_yaml;  // the task as resolved (defaults, --set and the point applied)
  Task task;                // parsed; task.runner executes it
};

struct TaskFile {
  std::string path;
  std::vector<Task> tasks;                                 // in file order (sweeps not applied)
  std::map<std::string, std::vector<std::string>> suites;  // suite -> task names
  std::map<std::string, std::vector<RunPoint>> points;     // task -> its sweep points, in order

  const Task& task(const std::string& name) const;               // throws saturn::Error
  std::vector<const Task*> suite(const std::string& name) const;  // throws saturn::Error
  // Every run of a suite: its tasks in order, each task's points in sweep order.
  std::vector<const RunPoint*> runs(const std::string& suite) const;  // throws saturn::Error
};

}  // namespace saturn
