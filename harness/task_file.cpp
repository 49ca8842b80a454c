#include "harness/task_file.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "languages/registry.h"

namespace saturn {

namespace {

std::string join_lines(const std::vector<InputError>& problems) {
  std::string s;
  for (const auto& p : problems) s += (s.empty() ? "" : "\n") + std::string(p.what());
  return s;
}

// Collects problems while walking the YAML tree.
class Validator {
 public:
  explicit Validator(std::string path) : path_(std::move(path)) {}

  void problem(const YAML::Node& at, const std::string& field, const std::string& reason) {
    const auto m = at.Mark();
    problems_.emplace_back(path_, m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1, field, reason);
  }
  const std::vector<InputError>& problems() const { return problems_; }
  const std::string& path() const { return path_; }

  // Checks that `node` is a map whose keys are all in `known`.
  bool expect_map(const YAML::Node& node, const std::string& field, std::initializer_list<const char*> known) {
    if (!node.IsMap()) {
      problem(node, field, "expected a mapping");
      return false;
    }
    for (const auto& kv : node) {
      const auto key = kv.first.as<std::string>();
      bool ok = false;
      for (const char* k : known) ok = ok || key == k;
      if (!ok) {
        std::string list;
        for (const char* k : known) list += (list.empty() ? "" : ", ") + std::string(k);
        problem(kv.first, field.empty() ? key : field + "." + key, fmt::format("unknown key (expected one of: {})", list));
      }
    }
    return true;
  }

  template <class T>
  bool scalar(const YAML::Node& node, const std::string& field, T& out, const char* what) {
    if (!node.IsScalar()) {
      problem(node, field, fmt::format("expected {}", what));
      return false;
    }
    try {
      out = node.as<T>();
      return true;
    } catch (const YAML::Exception&) {
      problem(node, field, fmt::format("'{}' is not {}", node.Scalar(), what));
      return false;
    }
  }

  bool range(const YAML::Node& node, const std::string& field, LengthRange& out) {
    try {
      if (node.IsSequence() && node.size() == 2) {
        out = parse_length_range(fmt::format("{}..{}", node[0].as<std::string>(), node[1].as<std::string>()));
      } else if (node.IsScalar()) {
        out = parse_length_range(node.Scalar());
      } else {
        problem(node, field, "expected a length range such as 2..50");
        return false;
      }
      return true;
    } catch (const Error& e) {
      problem(node, field, e.what());
      return false;
    }
  }

 private:
  std::string path_;
  std::vector<InputError> problems_;
};

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

void parse_task(Validator& v, const YAML::Node& key, const YAML::Node& node, const YAML::Node& defaults,
                TaskFile& file) {
  const std::string name = key.as<std::string>();
  const std::string base = "tasks." + name;
  if (!v.expect_map(node, base,
                    {"language", "objective", "train", "test", "negatives", "positive_fraction", "seed"}))
    return;
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
  TaskSpec t;
  t.name = name;
  t.file = v.path();
  t.line = key.Mark().line + 1;
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
  file.tasks.push_back(std::move(t));
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

TaskFile parse_task_file(const std::string& text, const std::string& path) {
  Validator v(path);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw TaskFileError({InputError(path, e.mark.line + 1, e.mark.column + 1, "", e.msg)});
  }
  TaskFile file;
  file.path = path;
  if (!root.IsMap()) throw TaskFileError({InputError(path, 1, 1, "", "expected a mapping with 'tasks' and 'suites'")});
  v.expect_map(root, "", {"defaults", "tasks", "suites"});
  const YAML::Node defaults = root["defaults"];
  if (defaults) v.expect_map(defaults, "defaults",
                             {"language", "objective", "train", "test", "negatives", "positive_fraction", "seed"});
  const YAML::Node tasks = root["tasks"];
  if (!tasks || !tasks.IsMap()) {
    v.problem(tasks ? tasks : root, "tasks", "expected a mapping from task names to tasks");
  } else {
    for (const auto& kv : tasks) parse_task(v, kv.first, kv.second, defaults, file);
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
  if (!v.problems().empty()) throw TaskFileError(v.problems());
  return file;
}

TaskFile load_task_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw TaskFileError({InputError(path, 0, 0, "", "cannot open file")});
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_task_file(ss.str(), path);
}

}  // namespace saturn
