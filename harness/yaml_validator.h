// Validating YAML input with located messages: the one place that turns YAML nodes into
// settings for tasks.yaml and its experiment kinds (harness/kinds/*/spec.cpp).
//
// Problems are collected, not thrown one by one; each becomes an InputError
// "file:line:col: field 'a.b': reason".
#pragma once

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "harness/length_range.h"
#include "harness/sections.h"
#include "harness/task.h"

namespace saturn {

// Collects problems while walking the YAML tree.
class Validator {
 public:
  explicit Validator(std::string path) : path_(std::move(path)) {}

  void problem(const YAML::Node& at, const std::string& field, const std::string& reason) {
    if (const std::string* origin = override_of(field)) {  // a value of the command line
      problems_.emplace_back(*origin, 0, 0, field, reason);
      return;
    }
    auto m = at.Mark();
    if (m.is_null()) m = fallback_;  // e.g. a node a sweep or --set created
    problems_.emplace_back(path_, m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1, field, reason);
  }
  // Where problems at nodes without a position are reported.
  void set_fallback(const YAML::Mark& m) { fallback_ = m; }
  // Problems at `field` (e.g. "tasks.dyck1.model.d_model") or below it are reported at `origin`
  // (e.g. "--set model.d_model=0"): the value came from the command line, not from the file.
  void set_origin(const std::string& field, const std::string& origin) { origins_[field] = origin; }
  const std::vector<InputError>& problems() const { return problems_; }
  const std::string& path() const { return path_; }

  // Checks that `node` is a map whose keys are all in `known`.
  // A mapping key as a plain string in `out`; a YAML complex key (`? [a, b]: ...`, `? {k: v}: ...`)
  // is a problem at `field` ("a KIND must be a plain string") and false.
  bool key_name(const YAML::Node& key, const std::string& field, const char* kind, std::string& out) {
    if (!key.IsScalar()) {
      problem(key, field, fmt::format("a {} must be a plain string", kind));
      return false;
    }
    out = key.Scalar();
    return true;
  }
  bool expect_map(const YAML::Node& node, const std::string& field, std::initializer_list<const char*> known) {
    return expect_map(node, field, std::span<const char* const>(known.begin(), known.size()));
  }
  bool expect_map(const YAML::Node& node, const std::string& field, std::span<const char* const> known) {
    if (!node.IsMap()) {
      problem(node, field, "expected a mapping");
      return false;
    }
    for (const auto& kv : node) {
      std::string key;
      if (!key_name(kv.first, field.empty() ? "key" : field, "key", key)) continue;
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
  const std::string* override_of(const std::string& field) const {
    for (const auto& [f, origin] : origins_)
      if (field == f || (field.size() > f.size() && field.compare(0, f.size(), f) == 0 &&
                         (field[f.size()] == '.' || field[f.size()] == '[')))
        return &origin;
    return nullptr;
  }

  std::string path_;
  std::vector<InputError> problems_;
  YAML::Mark fallback_ = YAML::Mark::null_mark();
  std::map<std::string, std::string> origins_;
};

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

// The keys of the shared sections: what parse_model, parse_optimizer and parse_training accept.
inline constexpr const char* kModelKeys[] = {"d_model",    "n_layers", "n_heads", "d_ff",    "activation",
                                             "layer_norm", "ln_eps",   "attn_bias", "positional", "max_len",
                                             "causal",     "head",     "readout", "readout_scale", "score_rounding", "loss"};
inline constexpr const char* kModelLayerNormKeys[] = {"attn", "mlp", "final"};
inline constexpr const char* kOptimizerKeys[] = {"kind", "lr",           "momentum", "nesterov", "beta1",
                                                 "beta2", "eps",         "weight_decay", "clip_norm", "groups", "alpha"};
inline constexpr const char* kOptimizerGroupKeys[] = {"lr_scale", "weight_decay"};
inline constexpr const char* kTrainingKeys[] = {"steps",     "batch_size",       "schedule", "warmup",
                                                "min_lr_factor", "log_every",    "eval_every", "checkpoint_every",
                                                "seed",      "eval_batch_size", "attention_temperature"};
inline constexpr const char* kAttentionTemperatureKeys[] = {"final", "schedule", "steps"};

// Whether `name` is one of `keys`.
bool is_one_of(const std::string& name, std::span<const char* const> keys);
// Whether a dotted key below `model:` / `optimizer:` / `training:` names a setting those parsers
// read: {"d_model"}, {"layer_norm", "attn"}, {"groups", "attention", "lr_scale"}, ... (empty: the
// whole section).
bool model_has_key(std::span<const std::string> key);
bool optimizer_has_key(std::span<const std::string> key);
bool training_has_key(std::span<const std::string> key);

// The `model:`, `optimizer:` and `training:` sections (every key optional; set on top of `out`).
void parse_model(Validator& v, const YAML::Node& node, const std::string& field, ModelSpec& out);
void parse_optimizer(Validator& v, const YAML::Node& node, const std::string& field, OptimizerOptions& out);
void parse_training(Validator& v, const YAML::Node& node, const std::string& field, TrainingSpec& out);

}  // namespace saturn
