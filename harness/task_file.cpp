#include "harness/task_file.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "harness/task_kinds.h"
#include "harness/yaml_validator.h"
#include "saturated_transformer/eval_mode.h"
#include "languages/registry.h"

namespace saturn {

namespace {

std::string join_lines(const std::vector<InputError>& problems) {
  std::string s;
  for (const auto& p : problems) s += (s.empty() ? "" : "\n") + std::string(p.what());
  return s;
}

bool parse_split(Validator& v, const YAML::Node& node, const std::string& field, SplitSpec& out, bool need_size) {
  if (!v.expect_map(node, field, {"lengths", "size"})) return false;
  bool ok = true;
  if (!node["lengths"]) {
    v.problem(node, field + ".lengths", "missing");
    ok = false;
  } else {
    ok = v.range(node["lengths"], field + ".lengths", out.lengths) && ok;
  }
  if (node["size"]) {
    ok = v.scalar(node["size"], field + ".size", out.size, "a positive integer") && ok;
    if (ok && out.size <= 0) {
      v.problem(node["size"], field + ".size", "must be positive");
      ok = false;
    }
  } else if (need_size) {
    v.problem(node, field + ".size", "missing");
    ok = false;
  }
  return ok;
}

void parse_negatives(Validator& v, const YAML::Node& node, const std::string& field, NegativeMix& out) {
  if (node.IsScalar()) {
    const auto s = node.Scalar();
    if (s == "uniform") out = {1.0, 0.0};
    else if (s == "near_miss") out = {0.0, 1.0};
    else v.problem(node, field, fmt::format("'{}' is not a negative sampler (uniform, near_miss, or a mix)", s));
    return;
  }
  if (!v.expect_map(node, field, {"uniform", "near_miss"})) return;
  double u = 0, nm = 0;
  if (node["uniform"]) v.scalar(node["uniform"], field + ".uniform", u, "a number");
  if (node["near_miss"]) v.scalar(node["near_miss"], field + ".near_miss", nm, "a number");
  if (u < 0 || nm < 0 || u + nm <= 0) {
    v.problem(node, field, "mix weights must be non-negative and not both zero");
    return;
  }
  out = {u / (u + nm), nm / (u + nm)};
}

// Checks that a split can produce examples: some length in range has members (or, for
// recognition, non-members).
void check_split_feasible(Validator& v, const YAML::Node& at, const std::string& field, const Language& lang,
                          const SplitSpec& split, Objective objective) {
  bool members = false, nonmembers = false;
  for (int n = split.lengths.lo; n <= split.lengths.hi && !(members && nonmembers); ++n) {
    members = members || lang.count(n) > 0;
    nonmembers = nonmembers || lang.count_nonmembers(n) > 0;
  }
  if (!members)
    v.problem(at, field, fmt::format("{} has no members with lengths {}", lang.spec(), split.lengths.str()));
  else if (objective == Objective::recognize && !nonmembers)
    v.problem(at, field, fmt::format("{} has no non-members with lengths {}", lang.spec(), split.lengths.str()));
}

void parse_analysis(Validator& v, const YAML::Node& node, const std::string& f, AnalysisSpec& a) {
  if (!v.expect_map(node, f, {"modes", "heads", "study_power", "verify_length", "verify_budget", "saturation_every", "saturation_strings"})) return;
  if (const auto m = node["modes"]) {
    if (!m.IsSequence() || m.size() == 0) {
      v.problem(m, f + ".modes", "expected a list of modes, e.g. [softmax, saturated, hard]");
    } else {
      a.modes.clear();
      for (std::size_t i = 0; i < m.size(); ++i) {
        std::string mode;
        const std::string mf = fmt::format("{}.modes[{}]", f, i);
        if (!v.scalar(m[i], mf, mode, "a mode")) continue;
        try {
          EvalMode::parse(mode);
          a.modes.push_back(mode);
        } catch (const Error& e) {
          v.problem(m[i], mf, e.what());
        }
      }
    }
  }
  if (node["heads"]) v.scalar(node["heads"], f + ".heads", a.heads, "true or false");
  if (node["verify_length"] && v.scalar(node["verify_length"], f + ".verify_length", a.verify_length, "an integer") &&
      (a.verify_length < 0 || a.verify_length > 40))
    v.problem(node["verify_length"], f + ".verify_length", "must be between 0 and 40");
  if (node["saturation_every"] &&
      v.scalar(node["saturation_every"], f + ".saturation_every", a.saturation_every, "an integer") && a.saturation_every < 0)
    v.problem(node["saturation_every"], f + ".saturation_every", "must be >= 0");
  if (node["study_power"] && v.scalar(node["study_power"], f + ".study_power", a.study_power, "an integer") &&
      (a.study_power < 0 || a.study_power > 60))
    v.problem(node["study_power"], f + ".study_power", "must be between 0 and 60");
  if (node["verify_budget"]) positive(v, node["verify_budget"], f + ".verify_budget", a.verify_budget);
  if (node["saturation_strings"]) positive(v, node["saturation_strings"], f + ".saturation_strings", a.saturation_strings);
}

// Parses one task (or one sweep point of it); false when there were problems.
bool parse_task(Validator& v, const std::string& name, int line, const YAML::Node& node, const YAML::Node& defaults,
                TaskSpec& t) {
  const std::string base = "tasks." + name;
  t.name = name;
  t.file = v.path();
  t.line = line;
  const std::size_t problems_before = v.problems().size();
  if (node.IsMap() && node["kind"]) v.scalar(node["kind"], base + ".kind", t.kind, "a task kind");
  if (t.kind != "language") {
    if (node.IsMap() && node["seed"]) v.scalar(node["seed"], base + ".seed", t.seed, "a non-negative integer");
    t.runner = parse_task_kind(t.kind, v, node, base);
    return t.runner && v.problems().size() == problems_before;
  }
  if (!v.expect_map(node, base,
                    {"kind", "language", "objective", "train", "test", "negatives", "positive_fraction", "seed", "model",
                     "optimizer", "training", "analysis", "sweep"}))
    return false;
  // A key is looked up in the task, then in `defaults`.
  struct Found {
    bool found;
    YAML::Node node;
    std::string field;
  };
  auto get = [&](const char* key) -> Found {
    if (node[key]) return {true, node[key], base + "." + key};
    if (defaults && defaults.IsMap() && defaults[key]) return {true, defaults[key], std::string("defaults.") + key};
    return {false, YAML::Node(), base + "." + key};
  };
  bool ok = true;

  LanguagePtr lang;
  if (auto [ok, n, f] = get("language"); !ok) {
    v.problem(node, f, "missing");
    ok = false;
  } else if (v.scalar(n, f, t.language, "a language spec")) {
    try {
      lang = make_language(t.language);
    } catch (const Error& e) {
      v.problem(n, f, e.what());
      ok = false;
    }
  } else {
    ok = false;
  }
  if (auto [ok, n, f] = get("objective"); ok) {
    std::string s;
    if (v.scalar(n, f, s, "an objective")) {
      if (s == "recognize") t.objective = Objective::recognize;
      else if (s == "next_symbols") t.objective = Objective::next_symbols;
      else if (s == "lm") t.objective = Objective::lm;
      else {
        v.problem(n, f, fmt::format("'{}' is not an objective (recognize, next_symbols, lm)", s));
        ok = false;
      }
    }
  }
  auto [has_train, train, train_field] = get("train");
  if (!has_train) {
    v.problem(node, train_field, "missing");
    ok = false;
  } else {
    ok = parse_split(v, train, train_field, t.train, true) && ok;
  }
  if (auto [ok, n, f] = get("test"); ok) {
    if (v.expect_map(n, f, {"bins", "size"})) {
      int size = 0;
      if (!n["size"]) v.problem(n, f + ".size", "missing"), ok = false;
      else ok = v.scalar(n["size"], f + ".size", size, "a positive integer") && ok;
      if (size <= 0 && n["size"]) v.problem(n["size"], f + ".size", "must be positive"), ok = false;
      if (!n["bins"] || !n["bins"].IsSequence()) {
        v.problem(n, f + ".bins", "expected a list of length ranges");
        ok = false;
      } else {
        for (std::size_t i = 0; i < n["bins"].size(); ++i) {
          SplitSpec s;
          s.size = size;
          if (v.range(n["bins"][i], fmt::format("{}.bins[{}]", f, i), s.lengths)) t.test_bins.push_back(s);
          else ok = false;
        }
      }
    } else {
      ok = false;
    }
  }
  if (auto [ok, n, f] = get("negatives"); ok) parse_negatives(v, n, f, t.negatives);
  if (auto [ok, n, f] = get("positive_fraction"); ok) {
    if (v.scalar(n, f, t.positive_fraction, "a number") && (t.positive_fraction < 0 || t.positive_fraction > 1))
      v.problem(n, f, "must be between 0 and 1"), ok = false;
  }
  if (auto [ok, n, f] = get("seed"); ok) ok = v.scalar(n, f, t.seed, "a non-negative integer") && ok;
  // Sections: defaults first, then the task's own keys on top.
  for (int which = 0; which < 2; ++which) {
    const YAML::Node src = which == 0 ? defaults : node;
    const std::string prefix = which == 0 ? std::string("defaults") : base;
    if (!src || !src.IsMap()) continue;
    if (src["model"]) parse_model(v, src["model"], prefix + ".model", t.model);
    if (src["optimizer"]) parse_optimizer(v, src["optimizer"], prefix + ".optimizer", t.optimizer);
    if (src["training"]) parse_training(v, src["training"], prefix + ".training", t.training);
    if (src["analysis"]) parse_analysis(v, src["analysis"], prefix + ".analysis", t.analysis);
  }
  if (!t.training.seed_set) t.training.seed = t.seed;

  if (ok && lang) {
    try {
      check_split_feasible(v, train["lengths"], train_field + ".lengths", *lang, t.train, t.objective);
      auto [has_test, test, test_field] = get("test");
      for (std::size_t i = 0; i < t.test_bins.size(); ++i)
        check_split_feasible(v, test["bins"][i], fmt::format("{}.bins[{}]", test_field, i), *lang, t.test_bins[i],
                             t.objective);
    } catch (const Error& e) {
      v.problem(node, base, e.what());
    }
  }
  if (v.problems().size() != problems_before) return false;
  t.runner = make_language_kind(t);
  return true;
}

std::vector<std::string> split_dotted(const std::string& key) {
  std::vector<std::string> keys;
  std::stringstream ks(key);
  for (std::string k; std::getline(ks, k, '.');) keys.push_back(k);
  return keys;
}

// Sets root[k1][k2]...[kn] = value, creating maps on the way.
void set_path(YAML::Node root, const std::vector<std::string>& keys, const YAML::Node& value) {
  YAML::Node cur = root;
  for (std::size_t i = 0; i + 1 < keys.size(); ++i) {
    if (!cur[keys[i]] || !cur[keys[i]].IsMap()) cur[keys[i]] = YAML::Node(YAML::NodeType::Map);
    cur.reset(cur[keys[i]]);
  }
  cur[keys.back()] = value;
}

std::string flow_label(const YAML::Node& value) {
  if (value.IsScalar()) return value.Scalar();
  YAML::Emitter e;
  e << YAML::Flow << value;
  return e.c_str();
}

// A sweep axis: a dotted key and its values with their labels.
struct SweepAxis {
  std::string key;
  std::vector<std::pair<std::string, YAML::Node>> values;
};

// `sweep: {key: [v1, v2], key2: {label: value, ...}}`.
std::vector<SweepAxis> parse_sweep(Validator& v, const YAML::Node& sweep, const std::string& field) {
  std::vector<SweepAxis> axes;
  if (!sweep.IsMap()) {
    v.problem(sweep, field, "expected a mapping from config keys to lists of values");
    return axes;
  }
  for (const auto& kv : sweep) {
    SweepAxis axis{kv.first.as<std::string>(), {}};
    const std::string f = field + "." + axis.key;
    if (axis.key == "sweep" || axis.key == "kind" || axis.key.empty() || axis.key.front() == '.' || axis.key.back() == '.') {
      v.problem(kv.first, f, "cannot be swept");
      continue;
    }
    if (kv.second.IsSequence()) {
      for (const auto& item : kv.second) axis.values.emplace_back(flow_label(item), item);
    } else if (kv.second.IsMap()) {
      for (const auto& item : kv.second) axis.values.emplace_back(item.first.as<std::string>(), item.second);
    } else {
      v.problem(kv.second, f, "expected a list of values or a mapping from labels to values");
      continue;
    }
    if (axis.values.empty()) v.problem(kv.second, f, "has no values");
    else axes.push_back(std::move(axis));
  }
  return axes;
}

// Folder-safe form of a point's parameters.
std::string point_id(const std::string& task, const std::vector<std::pair<std::string, std::string>>& params) {
  if (params.empty()) return task;
  std::string id = task + "/";
  for (std::size_t i = 0; i < params.size(); ++i) id += (i ? "," : "") + params[i].first + "=" + params[i].second;
  for (std::size_t i = task.size() + 1; i < id.size(); ++i) {
    const char c = id[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '=' || c == ',' || c == '-' || c == '+' || c == '_'))
      id[i] = '_';
  }
  return id;
}

// The task as resolved: `defaults` under the task's own keys (sections merged key by key).
YAML::Node resolve_with_defaults(const YAML::Node& node, const YAML::Node& defaults, bool language) {
  YAML::Node out = YAML::Clone(node);
  if (!language || !defaults || !defaults.IsMap() || !out.IsMap()) return out;
  for (const auto& kv : defaults) {
    const auto key = kv.first.as<std::string>();
    if (!out[key]) {
      out[key] = YAML::Clone(kv.second);
    } else if (out[key].IsMap() && kv.second.IsMap() && key != "negatives") {
      for (const auto& inner : kv.second)
        if (!out[key][inner.first.as<std::string>()]) out[key][inner.first.as<std::string>()] = YAML::Clone(inner.second);
    }
  }
  return out;
}

// Parses a task and every point of its sweep (with `seeds` > 0: also a sweep of `seed` over 1..seeds).
void parse_task_points(Validator& v, const YAML::Node& key, const YAML::Node& node, const YAML::Node& defaults, int seeds,
                       bool expand, TaskFile& file) {
  const std::string name = key.as<std::string>();
  const int line = key.Mark().line + 1;
  v.set_fallback(key.Mark());
  std::vector<SweepAxis> axes;
  YAML::Node plain = node;
  if (node.IsMap() && node["sweep"]) {
    axes = parse_sweep(v, node["sweep"], "tasks." + name + ".sweep");
    plain = YAML::Clone(node);
    plain.remove("sweep");
  }
  if (seeds > 0) {
    std::erase_if(axes, [](const SweepAxis& a) { return a.key == "seed"; });
    SweepAxis axis{"seed", {}};
    for (int s = 1; s <= seeds; ++s) axis.values.emplace_back(std::to_string(s), YAML::Node(s));
    axes.push_back(std::move(axis));
  }
  TaskSpec base;
  const std::size_t before = v.problems().size();
  if (!parse_task(v, name, line, plain, defaults, base) || v.problems().size() != before) {
    file.tasks.push_back(std::move(base));
    return;  // the points would repeat the same problems
  }
  file.tasks.push_back(base);
  if (!expand) return;
  std::vector<RunPoint>& points = file.points[name];
  std::vector<std::size_t> index(axes.size(), 0);
  while (true) {
    RunPoint p;
    YAML::Node point = YAML::Clone(plain);
    for (std::size_t a = 0; a < axes.size(); ++a) {
      const auto& [label, value] = axes[a].values[index[a]];
      set_path(point, split_dotted(axes[a].key), value);
      p.params.emplace_back(axes[a].key, label);
    }
    p.id = point_id(name, p.params);
    const bool language = !(point.IsMap() && point["kind"] && point["kind"].IsScalar() && point["kind"].Scalar() != "language");
    YAML::Emitter e;
    e << resolve_with_defaults(point, defaults, language);
    p.config_yaml = std::string(e.c_str()) + "\n";
    if (axes.empty()) p.task = base;
    else if (!parse_task(v, name, line, point, defaults, p.task)) return;
    points.push_back(std::move(p));
    // Next index, last axis fastest.
    std::size_t a = axes.size();
    while (a > 0 && ++index[a - 1] == axes[a - 1].values.size()) index[--a] = 0;
    if (a == 0) break;
  }
}

}  // namespace

TaskFileError::TaskFileError(std::vector<InputError> problems)
    : Error(join_lines(problems)), problems_(std::move(problems)) {}

const char* objective_name(Objective o) {
  switch (o) {
    case Objective::recognize: return "recognize";
    case Objective::next_symbols: return "next_symbols";
    case Objective::lm: return "lm";
  }
  return "?";
}

const TaskSpec& TaskFile::task(const std::string& name) const {
  for (const auto& t : tasks)
    if (t.name == name) return t;
  throw Error(fmt::format("{}: no task named '{}'", path, name));
}

std::vector<const TaskSpec*> TaskFile::suite(const std::string& name) const {
  const auto it = suites.find(name);
  if (it == suites.end()) {
    std::string known;
    for (const auto& [k, _] : suites) known += (known.empty() ? "" : ", ") + k;
    throw Error(fmt::format("{}: no suite named '{}' (suites: {})", path, name, known));
  }
  std::vector<const TaskSpec*> out;
  for (const auto& t : it->second) out.push_back(&task(t));
  return out;
}

std::vector<const RunPoint*> TaskFile::runs(const std::string& name) const {
  std::vector<const RunPoint*> out;
  for (const TaskSpec* t : suite(name)) {
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
