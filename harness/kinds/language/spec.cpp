// The language kind's settings: the parser of a task's node (with the file's defaults).
#include "harness/kinds/language/spec.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "harness/kinds/language/splits.h"
#include "harness/task.h"
#include "harness/task_kind.h"
#include "harness/yaml_validator.h"
#include "languages/registry.h"
#include "saturated_transformer/eval_mode.h"

namespace saturn {

namespace {

constexpr const char* kTaskKeys[] = {"kind",  "language", "objective", "train",    "test",     "negatives", "positive_fraction",
                                     "seed",  "model",    "optimizer", "training", "analysis", "sweep",
                                     "targets", "epochs"};
constexpr const char* kSplitKeys[] = {"lengths", "size"};
constexpr const char* kTestKeys[] = {"bins", "size"};
constexpr const char* kNegativesKeys[] = {"uniform", "near_miss", "length_shortcut"};
constexpr const char* kAnalysisKeys[] = {"modes",           "heads",          "study_power",       "verify_length",
                                         "verify_budget",   "saturation_every", "saturation_strings", "robustness_power",
                                         "head_ablation",   "score_gaps",     "attention_strings"};

bool parse_split(Validator& v, const YAML::Node& node, const std::string& field, SplitSpec& out, bool need_size) {
  if (!v.expect_map(node, field, kSplitKeys)) return false;
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
  if (!v.expect_map(node, field, kNegativesKeys)) return;
  double u = 0, nm = 0;
  if (node["uniform"]) v.scalar(node["uniform"], field + ".uniform", u, "a number");
  if (node["near_miss"]) v.scalar(node["near_miss"], field + ".near_miss", nm, "a number");
  bool shortcut = false;
  if (const auto ls = node["length_shortcut"]) {
    std::string s;
    if (v.scalar(ls, field + ".length_shortcut", s, "allowed or forbidden") && s != "allowed" && s != "forbidden")
      v.problem(ls, field + ".length_shortcut", fmt::format("'{}' is not allowed or forbidden", s));
    shortcut = s == "allowed";
  }
  if (u < 0 || nm < 0 || u + nm <= 0) {
    v.problem(node, field, "mix weights must be non-negative and not both zero");
    return;
  }
  out = {u / (u + nm), nm / (u + nm), shortcut};
}

// Checks that a split can produce examples (splits.h: split_problem): some length in range has
// members, and for recognition one has members and non-members (or non-members, with
// negatives.length_shortcut allowed).
void check_split_feasible(Validator& v, const YAML::Node& at, const std::string& field, const Language& lang,
                          const SplitSpec& split, const TaskSpec& task) {
  const SplitOptions o{split.lengths, split.size, task.objective == Objective::recognize ? task.positive_fraction : 1.0,
                       task.negatives};
  if (const auto problem = split_problem(lang, o, split_lengths(lang, split.lengths)); !problem.empty())
    v.problem(at, field, problem);
}

void parse_analysis(Validator& v, const YAML::Node& node, const std::string& f, AnalysisSpec& a) {
  if (!v.expect_map(node, f, kAnalysisKeys)) return;
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
  if (node["robustness_power"] &&
      v.scalar(node["robustness_power"], f + ".robustness_power", a.robustness_power, "an integer") &&
      (a.robustness_power < 0 || a.robustness_power > 60))
    v.problem(node["robustness_power"], f + ".robustness_power", "must be between 0 and 60");
  if (node["head_ablation"]) v.scalar(node["head_ablation"], f + ".head_ablation", a.head_ablation, "true or false");
  if (node["score_gaps"]) v.scalar(node["score_gaps"], f + ".score_gaps", a.score_gaps, "true or false");
  if (node["attention_strings"] &&
      v.scalar(node["attention_strings"], f + ".attention_strings", a.attention_strings, "an integer") &&
      (a.attention_strings < 0 || a.attention_strings > 100))
    v.problem(node["attention_strings"], f + ".attention_strings", "must be between 0 and 100");
}

// `targets:` and `epochs:` (Bhattamishra et al. 2020's protocol; docs/bhattamishra2020.md).
void parse_protocol(Validator& v, const YAML::Node& targets, const std::string& tf, const YAML::Node& epochs,
                    const std::string& ef, TaskSpec& t) {
  if (targets.IsDefined() && !targets.IsNull()) {
    std::string s;
    if (v.scalar(targets, tf, s, "a target convention") && !parse_target_convention(s, t.targets))
      v.problem(targets, tf, fmt::format("'{}' is not a target convention (next_symbols, end_symbol, allowed, dead_state, "
                                         "membership)", s));
  }
  if (epochs.IsDefined() && !epochs.IsNull()) positive(v, epochs, ef, t.epochs);
}

// A convention other than next_symbols needs the next_symbols objective and a language it applies
// to; the analyses that read a model's decisions by the acceptance rule of docs/saturation.md
// (which reads the last output as "is a member") do not apply to it.
void check_protocol(Validator& v, const YAML::Node& at, const std::string& f, const Language& lang, const TaskSpec& t) {
  if (t.targets == TargetConvention::next_symbols) return;
  if (t.objective != Objective::next_symbols) {
    v.problem(at, f, fmt::format("targets {} needs objective next_symbols", target_convention_name(t.targets)));
    return;
  }
  try {
    check_target_convention(t.targets, lang);
  } catch (const Error& e) {
    v.problem(at, f, e.what());
  }
  const auto& a = t.analysis;
  const std::pair<const char*, bool> uses[] = {{"verify_length", a.verify_length > 0}, {"study_power", a.study_power > 0},
                                               {"robustness_power", a.robustness_power > 0},
                                               {"head_ablation", a.head_ablation}, {"saturation_every", a.saturation_every > 0}};
  for (const auto& [name, used] : uses)
    if (used)
      v.problem(at, f, fmt::format("analysis.{} decides strings by the next_symbols acceptance rule; it does not apply "
                                   "with targets {}", name, target_convention_name(t.targets)));
}

}  // namespace

const char* objective_name(Objective o) {
  switch (o) {
    case Objective::recognize: return "recognize";
    case Objective::next_symbols: return "next_symbols";
    case Objective::lm: return "lm";
  }
  return "?";
}

std::shared_ptr<const TaskKind> parse_language_task(Validator& v, const YAML::Node& node, const YAML::Node& defaults,
                                                    const Task& task) {
  const std::string base = "tasks." + task.name;
  TaskSpec t;
  t.name = task.name;
  t.file = task.file;
  t.line = task.line;
  const std::size_t problems_before = v.problems().size();
  if (!v.expect_map(node, base, kTaskKeys)) return nullptr;
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
    if (v.expect_map(n, f, kTestKeys)) {
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
  if (const auto tg = get("targets"), ep = get("epochs"); tg.found || ep.found)
    parse_protocol(v, tg.found ? tg.node : YAML::Node(), tg.field, ep.found ? ep.node : YAML::Node(), ep.field, t);
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
      check_split_feasible(v, train["lengths"], train_field + ".lengths", *lang, t.train, t);
      auto [has_test, test, test_field] = get("test");
      for (std::size_t i = 0; i < t.test_bins.size(); ++i)
        check_split_feasible(v, test["bins"][i], fmt::format("{}.bins[{}]", test_field, i), *lang, t.test_bins[i], t);
    } catch (const Error& e) {
      v.problem(node, base, e.what());
    }
  }
  if (lang) check_protocol(v, get("targets").found ? get("targets").node : node, get("targets").field, *lang, t);
  if (v.problems().size() != problems_before) return nullptr;
  return make_language_kind(t);
}

bool language_has_key(const YAML::Node&, const std::vector<std::string>& key) {
  if (key.empty() || !is_one_of(key[0], kTaskKeys) || key[0] == "kind" || key[0] == "sweep") return false;
  const std::span<const std::string> rest(key.begin() + 1, key.end());
  if (rest.empty()) return true;
  if (key[0] == "model") return model_has_key(rest);
  if (key[0] == "optimizer") return optimizer_has_key(rest);
  if (key[0] == "training") return training_has_key(rest);
  if (rest.size() != 1) return false;
  if (key[0] == "train") return is_one_of(rest[0], kSplitKeys);
  if (key[0] == "test") return is_one_of(rest[0], kTestKeys);
  if (key[0] == "negatives") return is_one_of(rest[0], kNegativesKeys);
  if (key[0] == "analysis") return is_one_of(rest[0], kAnalysisKeys);
  return false;
}

const TaskSpec& language_spec(const Task& task) {
  const TaskSpec* spec = language_spec(task.runner.get());
  if (!spec) throw Error(fmt::format("task '{}' is a {} task, not a language task", task.name, task.kind));
  return *spec;
}

}  // namespace saturn
