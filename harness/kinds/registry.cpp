#include "harness/kinds/registry.h"

#include "harness/kinds/grokking/spec.h"
#include "harness/kinds/language/spec.h"
#include "harness/kinds/scan_snap/spec.h"

namespace saturn {

namespace {
std::string field_of(const Task& t) { return "tasks." + t.name; }
}  // namespace

const std::vector<TaskKindEntry>& task_kinds() {
  static const std::vector<TaskKindEntry> kinds{
      {"language", parse_language_task, language_has_key, report_section_language},
      {"scan_snap",
       [](Validator& v, const YAML::Node& node, const YAML::Node&, const Task& t) { return parse_scan_snap_task(v, node, field_of(t)); },
       scan_snap_has_key, report_section_scan_snap},
      {"grokking",
       [](Validator& v, const YAML::Node& node, const YAML::Node&, const Task& t) { return parse_grokking_task(v, node, field_of(t)); },
       grokking_has_key, report_section_grokking},
  };
  return kinds;
}

const TaskKindEntry* find_task_kind(const std::string& name) {
  for (const auto& k : task_kinds())
    if (name == k.name) return &k;
  return nullptr;
}

std::string task_kind_names() {
  std::string s;
  for (const auto& k : task_kinds()) s += (s.empty() ? "" : ", ") + std::string(k.name);
  return s;
}

}  // namespace saturn
