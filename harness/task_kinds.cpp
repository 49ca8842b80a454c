#include "harness/task_kinds.h"

namespace saturn {

const char* task_kind_names() { return "language, grokking, scan_snap"; }

std::shared_ptr<const TaskKind> parse_task_kind(const std::string& kind, Validator& v, const YAML::Node& node,
                                                const std::string& field) {
  if (kind == "grokking") return parse_grokking_task(v, node, field);
  if (kind == "scan_snap") return parse_scan_snap_task(v, node, field);
  v.problem(node["kind"] ? node["kind"] : node, field + ".kind",
            fmt::format("'{}' is not a task kind ({})", kind, task_kind_names()));
  return nullptr;
}

}  // namespace saturn
