// The task-file loader: reads tasks.yaml, applies --set, parses every task through its kind's
// parser (harness/kinds/registry.h) and its sweep points (harness/sweep.h), checks suites.
#include "harness/task_file.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "harness/kinds/registry.h"
#include "harness/sweep.h"
#include "harness/yaml_validator.h"

namespace saturn {

namespace {

std::string join_lines(const std::vector<InputError>& problems) {
  std::string s;
  for (const auto& p : problems) s += (s.empty() ? "" : "\n") + std::string(p.what());
  return s;
}

// Parses one task (or one sweep point of it) through its kind's parser; false when there were
// problems.
bool parse_task(Validator& v, const std::string& name, int line, const YAML::Node& node, const YAML::Node& defaults,
                Task& t) {
  const std::string base = "tasks." + name;
  t.name = name;
  t.file = v.path();
  t.line = line;
  const std::size_t before = v.problems().size();
  if (node.IsMap() && node["kind"]) v.scalar(node["kind"], base + ".kind", t.kind, "a task kind");
  const TaskKindEntry* kind = find_task_kind(t.kind);
  if (!kind) {
    v.problem(node["kind"] ? node["kind"] : node, base + ".kind",
              fmt::format("'{}' is not a task kind ({})", t.kind, task_kind_names()));
    return false;
  }
  t.runner = kind->parse(v, node, defaults, t);
  if (t.runner) t.seed = t.runner->seed();
  return t.runner && v.problems().size() == before;
}

// Parses a task and every point of its sweep (with `seeds` > 0: also a sweep of `seed` over 1..seeds).
void parse_task_points(Validator& v, const YAML::Node& key, const YAML::Node& node, const YAML::Node& defaults, int seeds,
                       bool expand, TaskFile& file) {
  const std::string name = key.as<std::string>();
  const int line = key.Mark().line + 1;
  v.set_fallback(key.Mark());
  YAML::Node plain = node;
  const bool has_sweep = node.IsMap() && node["sweep"];
  const YAML::Node sweep = has_sweep ? node["sweep"] : YAML::Node();
  if (has_sweep) {
    plain = YAML::Clone(node);
    plain.remove("sweep");
  }
  const auto axes = parse_sweep(v, has_sweep ? &sweep : nullptr, "tasks." + name + ".sweep", seeds);
  Task base;
  const std::size_t before = v.problems().size();
  if (!parse_task(v, name, line, plain, defaults, base) || v.problems().size() != before) {
    file.tasks.push_back(std::move(base));
    return;  // the points would repeat the same problems
  }
  file.tasks.push_back(base);
  if (!expand) return;
  std::vector<RunPoint>& points = file.points[name];
  for (auto& sp : sweep_points(name, plain, axes, defaults)) {
    RunPoint p{std::move(sp.id), std::move(sp.params), std::move(sp.config_yaml), {}};
    if (axes.empty()) p.task = base;
    else if (!parse_task(v, name, line, sp.node, defaults, p.task)) return;
    points.push_back(std::move(p));
  }
}

}  // namespace

TaskFileError::TaskFileError(std::vector<InputError> problems)
    : Error(join_lines(problems)), problems_(std::move(problems)) {}

const Task& TaskFile::task(const std::string& name) const {
  for (const auto& t : tasks)
    if (t.name == name) return t;
  throw Error(fmt::format("{}: no task named '{}'", path, name));
}

std::vector<const Task*> TaskFile::suite(const std::string& name) const {
  const auto it = suites.find(name);
  if (it == suites.end()) {
    std::string known;
    for (const auto& [k, _] : suites) known += (known.empty() ? "" : ", ") + k;
    throw Error(fmt::format("{}: no suite named '{}' (suites: {})", path, name, known));
  }
  std::vector<const Task*> out;
  for (const auto& t : it->second) out.push_back(&task(t));
  return out;
}

std::vector<const RunPoint*> TaskFile::runs(const std::string& name) const {
  std::vector<const RunPoint*> out;
  for (const Task* t : suite(name)) {
    const auto it = points.find(t->name);
    if (it == points.end()) throw Error(fmt::format("{}: task '{}' has no runs", path, t->name));
    for (const auto& p : it->second) out.push_back(&p);
  }
  return out;
}

TaskFile parse_task_file(const std::string& text, const std::string& path, const std::vector<std::string>& overrides,
                         int seeds, const std::string& suite) {
  Validator v(path);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw TaskFileError({InputError(path, e.mark.line + 1, e.mark.column + 1, "", e.msg)});
  }
  // --set key.path=value: applied to every task before validation.
  for (const auto& o : overrides) {
    const auto eq = o.find('=');
    if (eq == std::string::npos || eq == 0)
      throw TaskFileError({InputError("--set", 0, 0, o, "expected key.path=value, e.g. model.d_model=64")});
    const auto keys = split_dotted(o.substr(0, eq));
    const YAML::Node value = YAML::Load(o.substr(eq + 1));
    std::set<std::string> only;  // the suite's tasks, when a suite is named
    if (!suite.empty() && root.IsMap() && root["suites"] && root["suites"][suite] && root["suites"][suite].IsSequence())
      for (const auto& item : root["suites"][suite])
        if (item.IsScalar()) only.insert(item.Scalar());
    if (root.IsMap() && root["tasks"] && root["tasks"].IsMap())
      for (auto kv : root["tasks"])
        if (suite.empty() || only.count(kv.first.as<std::string>())) set_path(kv.second, keys, value);
  }
  TaskFile file;
  file.path = path;
  if (!root.IsMap()) throw TaskFileError({InputError(path, 1, 1, "", "expected a mapping with 'tasks' and 'suites'")});
  v.expect_map(root, "", {"defaults", "tasks", "suites"});
  const YAML::Node defaults = root["defaults"];
  if (defaults) v.expect_map(defaults, "defaults",
                             {"language", "objective", "train", "test", "negatives", "positive_fraction", "seed", "model",
                              "optimizer", "training", "analysis"});
  const YAML::Node tasks = root["tasks"];
  if (!tasks || !tasks.IsMap()) {
    v.problem(tasks ? tasks : root, "tasks", "expected a mapping from task names to tasks");
  } else {
    // Sweep points only for the named suite's tasks (expanding big grids costs time), else all.
    std::set<std::string> wanted;
    const YAML::Node suites = root["suites"];
    if (!suite.empty() && suites && suites.IsMap() && suites[suite] && suites[suite].IsSequence())
      for (const auto& item : suites[suite])
        if (item.IsScalar()) wanted.insert(item.Scalar());
    for (const auto& kv : tasks) {
      const bool expand = wanted.empty() || wanted.count(kv.first.as<std::string>()) > 0;
      parse_task_points(v, kv.first, kv.second, defaults, expand ? seeds : 0, expand, file);
    }
  }
  if (const YAML::Node suites = root["suites"]) {
    if (!suites.IsMap()) {
      v.problem(suites, "suites", "expected a mapping from suite names to lists of task names");
    } else {
      for (const auto& kv : suites) {
        const auto suite = kv.first.as<std::string>();
        const std::string field = "suites." + suite;
        if (!kv.second.IsSequence()) {
          v.problem(kv.second, field, "expected a list of task names");
          continue;
        }
        std::vector<std::string> names;
        for (std::size_t i = 0; i < kv.second.size(); ++i) {
          const auto& item = kv.second[i];
          const auto name = item.IsScalar() ? item.Scalar() : std::string();
          const bool known = tasks && tasks.IsMap() && tasks[name];
          if (!known) v.problem(item, fmt::format("{}[{}]", field, i), fmt::format("no task named '{}'", name));
          else names.push_back(name);
        }
        file.suites[suite] = std::move(names);
      }
    }
  }
  if (!v.problems().empty()) {
    // Sweep points repeat their task's problems: report each once.
    std::vector<InputError> unique;
    std::set<std::string> seen;
    for (const auto& p : v.problems())
      if (seen.insert(p.what()).second) unique.push_back(p);
    throw TaskFileError(std::move(unique));
  }
  return file;
}

TaskFile load_task_file(const std::string& path, const std::vector<std::string>& overrides, int seeds,
                        const std::string& suite) {
  std::ifstream in(path);
  if (!in) throw TaskFileError({InputError(path, 0, 0, "", "cannot open file")});
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_task_file(ss.str(), path, overrides, seeds, suite);
}

}  // namespace saturn
