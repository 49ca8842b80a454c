// The task-file loader: reads tasks.yaml, applies --set, parses every task through its kind's
// parser (harness/kinds/registry.h) and its sweep points (harness/sweep.h), checks suites.
#include "harness/task_file.h"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "harness/kinds/language/spec.h"
#include "harness/kinds/registry.h"
#include "harness/sweep.h"
#include "harness/yaml_validator.h"
#include "languages/registry.h"

namespace saturn {

namespace {

// yaml-cpp refuses documents nested about 500 levels deep (its DepthGuard, against stack
// overflow) with the message "bad file"; this says what is wrong.
std::string deep_yaml_reason(int depth) {
  return fmt::format("YAML nested {} levels deep, deeper than the parser allows (yaml-cpp's limit)", depth);
}

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

// The kind of a task's node as the parser will read it (null for an unknown kind).
const TaskKindEntry* kind_of(const YAML::Node& node) {
  const YAML::Node kind = node.IsMap() ? node["kind"] : YAML::Node();
  return find_task_kind(kind && kind.IsScalar() ? kind.Scalar() : "language");
}

// --set [TASK.]key.path=value: sets the key in each task in scope (`task`; else the tasks of
// `suite`; else every task) whose kind has it, or only in TASK; the Validator reports problems
// of the value at the command line. A key that no task in scope has, a malformed override or an
// unknown TASK throws (one line per --set).
void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides, const std::string& suite,
                     const std::string& task, Validator& v) {
  if (overrides.empty()) return;
  const YAML::Node tasks = root.IsMap() ? root["tasks"] : YAML::Node();
  if (!tasks || !tasks.IsMap()) return;  // the parser reports it
  std::vector<std::string> scope;
  std::string scope_name = "the task file";
  if (!task.empty()) {
    if (!tasks[task]) return;  // TaskFile::task reports it
    scope = {task};
    scope_name = fmt::format("task '{}'", task);
  } else if (!suite.empty() && root["suites"] && root["suites"][suite] && root["suites"][suite].IsSequence()) {
    for (const auto& item : root["suites"][suite])
      if (item.IsScalar() && tasks[item.Scalar()]) scope.push_back(item.Scalar());
    scope_name = fmt::format("suite '{}'", suite);
  } else {
    for (const auto& kv : tasks)
      if (kv.first.IsScalar()) scope.push_back(kv.first.Scalar());  // other keys: parse_task_file reports them
  }
  std::vector<InputError> problems;
  for (const auto& o : overrides) {
    const auto eq = o.find('=');
    const std::string key = o.substr(0, eq == std::string::npos ? o.size() : eq);
    const std::string where = "--set " + (key.empty() ? o : key);
    if (eq == std::string::npos || eq == 0) {
      problems.emplace_back(where, 0, 0, "", "expected [TASK.]key.path=value, e.g. model.d_model=64");
      continue;
    }
    YAML::Node value;
    try {
      value = YAML::Load(o.substr(eq + 1));
    } catch (const YAML::DeepRecursion& e) {
      problems.emplace_back(where, 0, 0, "", fmt::format("the value is {}", deep_yaml_reason(e.depth())));
      continue;
    } catch (const YAML::Exception& e) {
      problems.emplace_back(where, 0, 0, "", fmt::format("the value is not YAML ({})", e.msg));
      continue;
    }
    auto keys = split_dotted(key);
    std::vector<std::string> targets = scope;
    bool qualified = false;
    if (keys.size() > 1 && tasks[keys.front()]) {  // TASK.key.path
      const std::string name = keys.front();
      if (std::find(scope.begin(), scope.end(), name) == scope.end()) {
        problems.emplace_back(where, 0, 0, "", fmt::format("task '{}' is not in {}", name, scope_name));
        continue;
      }
      targets = {name};
      keys.erase(keys.begin());
      qualified = true;
    }
    if (std::find(keys.begin(), keys.end(), std::string()) != keys.end()) {
      problems.emplace_back(where, 0, 0, "", "empty key (expected [TASK.]key.path=value)");
      continue;
    }
    std::string dotted;
    for (const auto& k : keys) dotted += (dotted.empty() ? "" : ".") + k;
    std::set<std::string> kinds;
    int applied = 0;
    for (const auto& name : targets) {
      YAML::Node node = tasks[name];
      const TaskKindEntry* kind = kind_of(node);
      if (!kind) continue;  // the parser reports the unknown kind
      kinds.insert(kind->name);
      if (!kind->has_key(node, keys)) continue;
      set_path(node, keys, value);
      v.set_origin(fmt::format("tasks.{}.{}", name, dotted), "--set " + o);
      ++applied;
    }
    if (applied == 0 && !targets.empty()) {
      std::string list;
      for (const auto& k : kinds) list += (list.empty() ? "" : ", ") + k;
      problems.emplace_back(where, 0, 0, "",
                            qualified ? fmt::format("task '{}' ({}) has no key '{}'", targets.front(), list, dotted)
                                      : fmt::format("no task of {} has this key (kinds there: {})", scope_name, list));
    }
  }
  if (!problems.empty()) throw TaskFileError(std::move(problems));
}

// Lengths beyond what a language task's language counts and samples in reasonable time
// (Language::max_length, languages/language.h) are bad input when the file is loaded, not an hour
// of counting once a run starts. Each language is built once per spec.
void check_language_lengths(Validator& v, const YAML::Node& tasks, const TaskFile& file) {
  std::map<std::string, LanguagePtr> languages;
  for (const auto& [name, points] : file.points)
    for (const auto& point : points) {
      const TaskSpec* t = language_spec(point.task.runner.get());
      if (!t) continue;
      auto& lang = languages[t->language];
      if (!lang) lang = make_language(t->language);
      const YAML::Node node = tasks[name];
      auto check = [&](const LengthRange& r, const YAML::Node& at, const std::string& field) {
        try {
          check_length(*lang, r.hi);
        } catch (const Error& e) {
          v.problem(at ? at : node, field, e.what());
        }
      };
      check(t->train.lengths, node["train"] ? node["train"]["lengths"] : YAML::Node(), "tasks." + name + ".train.lengths");
      for (std::size_t i = 0; i < t->test_bins.size(); ++i)
        check(t->test_bins[i].lengths, node["test"] && node["test"]["bins"] ? node["test"]["bins"][i] : YAML::Node(),
              fmt::format("tasks.{}.test.bins[{}]", name, i));
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
                         int seeds, const std::string& suite, const std::string& task) {
  Validator v(path);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {  // yaml-cpp's guard against stack overflow says only "bad file"
    throw TaskFileError({InputError(path, e.mark.line + 1, e.mark.column + 1, "", deep_yaml_reason(e.depth()))});
  } catch (const YAML::ParserException& e) {
    throw TaskFileError({InputError(path, e.mark.line + 1, e.mark.column + 1, "", e.msg)});
  }
  apply_overrides(root, overrides, suite, task, v);
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
      std::string name;  // a complex key was found by fuzz_task_file
      if (!v.key_name(kv.first, "tasks", "task name", name)) continue;
      const bool expand = wanted.empty() || wanted.count(name) > 0;
      parse_task_points(v, kv.first, kv.second, defaults, expand ? seeds : 0, expand, file);
    }
    check_language_lengths(v, tasks, file);
  }
  if (const YAML::Node suites = root["suites"]) {
    if (!suites.IsMap()) {
      v.problem(suites, "suites", "expected a mapping from suite names to lists of task names");
    } else {
      for (const auto& kv : suites) {
        std::string suite;
        if (!v.key_name(kv.first, "suites", "suite name", suite)) continue;
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
    // Sweep points repeat their task's problems: report each once. A bad --set value gives the
    // same reason in every task it was set in: one line naming those fields.
    std::vector<InputError> unique;
    std::set<std::string> seen;
    for (const auto& p : v.problems())
      if (seen.insert(p.what()).second) unique.push_back(p);
    std::vector<InputError> merged;
    for (std::size_t i = 0; i < unique.size(); ++i) {
      const auto& p = unique[i];
      const bool from_set = p.line() == 0 && p.file().rfind("--set ", 0) == 0;
      if (!from_set) {
        merged.push_back(p);
        continue;
      }
      std::vector<std::string> fields{p.field()};
      bool first = true;
      for (std::size_t j = 0; j < i && first; ++j)
        first = !(unique[j].file() == p.file() && unique[j].line() == 0 && unique[j].reason() == p.reason());
      if (!first) continue;
      for (std::size_t j = i + 1; j < unique.size(); ++j)
        if (unique[j].file() == p.file() && unique[j].line() == 0 && unique[j].reason() == p.reason())
          fields.push_back(unique[j].field());
      if (fields.size() == 1) {
        merged.push_back(p);
      } else {
        std::string list;
        for (const auto& f : fields) list += (list.empty() ? "" : ", ") + f;
        merged.emplace_back(p.file(), 0, 0, "", fmt::format("{} (fields {})", p.reason(), list));
      }
    }
    throw TaskFileError(std::move(merged));
  }
  return file;
}

TaskFile load_task_file(const std::string& path, const std::vector<std::string>& overrides, int seeds,
                        const std::string& suite, const std::string& task) {
  std::ifstream in(path);
  if (!in) throw TaskFileError({InputError(path, 0, 0, "", "cannot open file")});
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_task_file(ss.str(), path, overrides, seeds, suite, task);
}

}  // namespace saturn
