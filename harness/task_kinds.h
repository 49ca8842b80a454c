// The experiment kinds a task of tasks.yaml can have, and where each one's settings are parsed.
//
//   language   (default) train a transformer on a formal-language task, then evaluate it per
//              length bin in the modes of `analysis:`, analyse heads, verify (harness/language_kind)
//   scan_snap  Tian et al. 2023's synthetic data and reparameterised 1-layer model
//              (harness/scan_snap_kind)
//   grokking   modular addition with a 1-layer transformer, full-batch AdamW
//              (harness/grokking_kind)
//
// A kind's parser validates the task's node (every key, including `kind` and `seed`, which it
// must accept) and reports problems through the Validator; it returns null when there were any.
#pragma once

#include <memory>
#include <string>

#include "harness/experiment.h"
#include "harness/yaml_validator.h"

namespace saturn {

// Names of the kinds, for messages.
const char* task_kind_names();

// Parses a non-language task's node (`field` = "tasks.NAME"). Unknown kinds are a problem at `kind`.
std::shared_ptr<const TaskKind> parse_task_kind(const std::string& kind, Validator& v, const YAML::Node& node,
                                                const std::string& field);

// The language kind for a parsed language task.
std::shared_ptr<const TaskKind> make_language_kind(const TaskSpec& task);

// Parsers of the other kinds (harness/<kind>_kind.cpp).
std::shared_ptr<const TaskKind> parse_scan_snap_task(Validator& v, const YAML::Node& node, const std::string& field);
std::shared_ptr<const TaskKind> parse_grokking_task(Validator& v, const YAML::Node& node, const std::string& field);

}  // namespace saturn
