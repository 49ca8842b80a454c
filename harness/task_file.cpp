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

template <class E>
bool parse_choice(Validator& v, const YAML::Node& n, const std::string& field, E& out,
                  std::initializer_list<std::pair<const char*, E>> options) {
  std::string s;
  if (!v.scalar(n, field, s, "a name")) return false;
  for (const auto& [name, value] : options)
    if (s == name) return out = value, true;
  std::string list;
  for (const auto& [name, _] : options) list += (list.empty() ? "" : ", ") + std::string(name);
  v.problem(n, field, fmt::format("'{}' is not one of {}", s, list));
  return false;
}

template <class T>
void positive(Validator& v, const YAML::Node& n, const std::string& field, T& out) {
  if (v.scalar(n, field, out, "a number") && !(out > 0)) v.problem(n, field, "must be positive");
}

void parse_model(Validator& v, const YAML::Node& node, const std::string& f, ModelSpec& m) {
  if (!v.expect_map(node, f,
                    {"d_model", "n_layers", "n_heads", "d_ff", "activation", "layer_norm", "ln_eps", "attn_bias",
                     "positional", "max_len", "causal", "head", "readout", "readout_scale"}))
    return;
  auto& c = m.config;
  if (node["d_model"]) positive(v, node["d_model"], f + ".d_model", c.d_model);
  if (node["n_layers"] && v.scalar(node["n_layers"], f + ".n_layers", c.n_layers, "an integer") && c.n_layers < 0)
    v.problem(node["n_layers"], f + ".n_layers", "must be >= 0");
  if (node["n_heads"]) positive(v, node["n_heads"], f + ".n_heads", c.n_heads);
  if (node["d_ff"]) positive(v, node["d_ff"], f + ".d_ff", c.d_ff);
  if (node["max_len"]) positive(v, node["max_len"], f + ".max_len", c.max_len), m.max_len_set = true;
  if (node["ln_eps"] && v.scalar(node["ln_eps"], f + ".ln_eps", c.ln_eps, "a number") && c.ln_eps < 0)
    v.problem(node["ln_eps"], f + ".ln_eps", "must be >= 0");
  if (node["readout_scale"]) positive(v, node["readout_scale"], f + ".readout_scale", c.readout_scale);
  if (node["attn_bias"]) v.scalar(node["attn_bias"], f + ".attn_bias", c.attn_bias, "true or false");
  if (node["causal"]) v.scalar(node["causal"], f + ".causal", c.causal, "true or false");
  if (node["activation"])
    parse_choice(v, node["activation"], f + ".activation", c.activation, {{"relu", Activation::relu}, {"gelu", Activation::gelu}});
  if (node["positional"])
    parse_choice(v, node["positional"], f + ".positional", c.positional,
                 {{"none", Positional::none}, {"learned", Positional::learned}, {"sinusoidal", Positional::sinusoidal}});
  if (node["head"] && parse_choice(v, node["head"], f + ".head", c.head,
                                   {{"classify", HeadKind::classify}, {"next_symbols", HeadKind::next_symbols}, {"lm", HeadKind::lm}}))
    m.head_set = true;
  if (node["readout"])
    parse_choice(v, node["readout"], f + ".readout", c.readout,
                 {{"bos", ClassifyReadout::bos}, {"last", ClassifyReadout::last}, {"mean", ClassifyReadout::mean}});
  if (const auto ln = node["layer_norm"]) {
    if (ln.IsMap()) {
      if (v.expect_map(ln, f + ".layer_norm", {"attn", "mlp", "final"})) {
        c.layer_norm = LayerNormMode::custom;
        c.ln = {AttnLnPlace::none, false, false};
        if (ln["attn"])
          parse_choice(v, ln["attn"], f + ".layer_norm.attn", c.ln.attn,
                       {{"none", AttnLnPlace::none}, {"qkv", AttnLnPlace::qkv}, {"qk", AttnLnPlace::qk}, {"v", AttnLnPlace::v}});
        if (ln["mlp"]) v.scalar(ln["mlp"], f + ".layer_norm.mlp", c.ln.mlp, "true or false");
        if (ln["final"]) v.scalar(ln["final"], f + ".layer_norm.final", c.ln.final, "true or false");
      }
    } else {
      parse_choice(v, ln, f + ".layer_norm", c.layer_norm,
                   {{"pre", LayerNormMode::pre}, {"post", LayerNormMode::post}, {"none", LayerNormMode::none}});
    }
  }
  if (c.d_model > 0 && c.n_heads > 0 && c.d_model % c.n_heads != 0)
    v.problem(node, f + ".n_heads", fmt::format("{} heads do not divide d_model = {}", c.n_heads, c.d_model));
}

void parse_optimizer(Validator& v, const YAML::Node& node, const std::string& f, OptimizerOptions& o) {
  if (!v.expect_map(node, f, {"kind", "lr", "momentum", "nesterov", "beta1", "beta2", "eps", "weight_decay", "clip_norm", "groups"}))
    return;
  if (node["kind"])
    parse_choice(v, node["kind"], f + ".kind", o.kind,
                 {{"sgd", OptimizerKind::sgd}, {"adam", OptimizerKind::adam}, {"adamw", OptimizerKind::adamw}});
  if (node["lr"]) positive(v, node["lr"], f + ".lr", o.lr);
  if (node["momentum"]) v.scalar(node["momentum"], f + ".momentum", o.momentum, "a number");
  if (node["nesterov"]) v.scalar(node["nesterov"], f + ".nesterov", o.nesterov, "true or false");
  if (node["beta1"]) v.scalar(node["beta1"], f + ".beta1", o.beta1, "a number");
  if (node["beta2"]) v.scalar(node["beta2"], f + ".beta2", o.beta2, "a number");
  if (node["eps"]) v.scalar(node["eps"], f + ".eps", o.eps, "a number");
  if (node["weight_decay"]) v.scalar(node["weight_decay"], f + ".weight_decay", o.weight_decay, "a number");
  if (node["clip_norm"]) v.scalar(node["clip_norm"], f + ".clip_norm", o.clip_norm, "a number");
  if (const auto groups = node["groups"]) {
    if (v.expect_map(groups, f + ".groups", {"embedding", "attention", "feed_forward", "layer_norm", "head"}))
      for (int gi = 0; gi < kNumParamGroups; ++gi) {
        const char* name = param_group_name(static_cast<ParamGroup>(gi));
        const auto g = groups[name];
        if (!g) continue;
        const std::string gf = f + ".groups." + name;
        if (!v.expect_map(g, gf, {"lr_scale", "weight_decay"})) continue;
        auto& dst = o.groups[static_cast<std::size_t>(gi)];
        if (g["lr_scale"]) v.scalar(g["lr_scale"], gf + ".lr_scale", dst.lr_scale, "a number");
        if (g["weight_decay"]) v.scalar(g["weight_decay"], gf + ".weight_decay", dst.weight_decay, "a number");
      }
  }
}

void parse_training(Validator& v, const YAML::Node& node, const std::string& f, TrainingSpec& t) {
  if (!v.expect_map(node, f,
                    {"steps", "batch_size", "schedule", "warmup", "min_lr_factor", "log_every", "eval_every",
                     "checkpoint_every", "seed", "eval_batch_size"}))
    return;
  if (node["steps"]) positive(v, node["steps"], f + ".steps", t.steps);
  if (node["batch_size"]) positive(v, node["batch_size"], f + ".batch_size", t.batch_size);
  if (node["eval_batch_size"]) positive(v, node["eval_batch_size"], f + ".eval_batch_size", t.eval_batch_size);
  if (node["schedule"])
    parse_choice(v, node["schedule"], f + ".schedule", t.schedule.kind,
                 {{"constant", Schedule::Kind::constant}, {"cosine", Schedule::Kind::cosine}, {"linear", Schedule::Kind::linear},
                  {"inverse_sqrt", Schedule::Kind::inverse_sqrt}});
  if (node["warmup"]) v.scalar(node["warmup"], f + ".warmup", t.schedule.warmup, "an integer");
  if (node["min_lr_factor"]) v.scalar(node["min_lr_factor"], f + ".min_lr_factor", t.schedule.min_factor, "a number");
  if (node["log_every"]) v.scalar(node["log_every"], f + ".log_every", t.log_every, "an integer");
  if (node["eval_every"]) v.scalar(node["eval_every"], f + ".eval_every", t.eval_every, "an integer");
  if (node["checkpoint_every"]) v.scalar(node["checkpoint_every"], f + ".checkpoint_every", t.checkpoint_every, "an integer");
  if (node["seed"]) v.scalar(node["seed"], f + ".seed", t.seed, "a non-negative integer");
}

void parse_task(Validator& v, const YAML::Node& key, const YAML::Node& node, const YAML::Node& defaults,
                TaskFile& file) {
  const std::string name = key.as<std::string>();
  const std::string base = "tasks." + name;
  if (!v.expect_map(node, base,
                    {"language", "objective", "train", "test", "negatives", "positive_fraction", "seed", "model",
                     "optimizer", "training"}))
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
  // Sections: defaults first, then the task's own keys on top.
  for (int which = 0; which < 2; ++which) {
    const YAML::Node src = which == 0 ? defaults : node;
    const std::string prefix = which == 0 ? std::string("defaults") : base;
    if (!src || !src.IsMap()) continue;
    if (src["model"]) parse_model(v, src["model"], prefix + ".model", t.model);
    if (src["optimizer"]) parse_optimizer(v, src["optimizer"], prefix + ".optimizer", t.optimizer);
    if (src["training"]) parse_training(v, src["training"], prefix + ".training", t.training);
  }

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

TaskFile parse_task_file(const std::string& text, const std::string& path, const std::vector<std::string>& overrides) {
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
    std::vector<std::string> keys;
    std::stringstream ks(o.substr(0, eq));
    for (std::string k; std::getline(ks, k, '.');) keys.push_back(k);
    const YAML::Node value = YAML::Load(o.substr(eq + 1));
    if (root.IsMap() && root["tasks"] && root["tasks"].IsMap())
      for (auto kv : root["tasks"]) {
        YAML::Node cur = kv.second;
        for (std::size_t i = 0; i + 1 < keys.size(); ++i) {
          if (!cur[keys[i]] || !cur[keys[i]].IsMap()) cur[keys[i]] = YAML::Node(YAML::NodeType::Map);
          cur.reset(cur[keys[i]]);
        }
        cur[keys.back()] = value;
      }
  }
  TaskFile file;
  file.path = path;
  if (!root.IsMap()) throw TaskFileError({InputError(path, 1, 1, "", "expected a mapping with 'tasks' and 'suites'")});
  v.expect_map(root, "", {"defaults", "tasks", "suites"});
  const YAML::Node defaults = root["defaults"];
  if (defaults) v.expect_map(defaults, "defaults",
                             {"language", "objective", "train", "test", "negatives", "positive_fraction", "seed", "model",
                              "optimizer", "training"});
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

TaskFile load_task_file(const std::string& path, const std::vector<std::string>& overrides) {
  std::ifstream in(path);
  if (!in) throw TaskFileError({InputError(path, 0, 0, "", "cannot open file")});
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_task_file(ss.str(), path, overrides);
}

}  // namespace saturn
