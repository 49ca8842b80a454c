// The experiment kinds a task of tasks.yaml can have: one entry per kind, which everything else
// iterates (the task-file parser, the suite runner through the parsed TaskKind, report.html).
//
//   language   (default) train a transformer on a formal-language task, then evaluate it per
//              length bin in the modes of `analysis:`, analyse heads, verify (harness/kinds/language/)
//   grokking   modular addition with a 1-layer transformer, full-batch AdamW (harness/kinds/grokking/)
//   scan_snap  Tian et al. 2023's synthetic data and reparameterised 1-layer model
//              (harness/kinds/scan_snap/)
//
// Every kind's folder holds the same files: spec.{h,cpp} (its settings struct and the parser of a
// task's node), run.cpp (TaskKind::run: one run in its folder) and report.cpp (its section of
// report.html). To add a kind, add a folder like these and one entry in registry.cpp.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "harness/task_kind.h"

namespace YAML {
class Node;
}

namespace saturn {

class Validator;  // harness/yaml_validator.h

struct TaskKindEntry {
  const char* name;
  // Validates a task's node (every key, including `kind` and `seed`; `defaults` is the file's
  // `defaults:` section, which only the language kind reads) and returns its settings, whose
  // TaskKind::run runs one point; null when there were problems (reported through the Validator).
  // `task` holds the name, file and line.
  std::shared_ptr<const TaskKind> (*parse)(Validator& v, const YAML::Node& node, const YAML::Node& defaults,
                                           const Task& task);
  // Whether a task of this kind (its node) has the dotted config key `key` (e.g. {"optimizer",
  // "lr"}): the tasks `--set` applies to (harness/task_file.h).
  bool (*has_key)(const YAML::Node& node, const std::vector<std::string>& key);
  // The kind's section of report.html for its complete runs, in suite order.
  std::string (*report_section)(const std::vector<RunRecord>& runs);
};

// Every kind, in the order report.html shows their sections.
const std::vector<TaskKindEntry>& task_kinds();
// The kind named `name`; null when there is none.
const TaskKindEntry* find_task_kind(const std::string& name);
// Their names, for messages ("language, scan_snap, grokking").
std::string task_kind_names();

}  // namespace saturn
