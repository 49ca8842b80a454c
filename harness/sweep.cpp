#include "harness/sweep.h"

#include <cctype>
#include <sstream>

#include "harness/yaml_validator.h"

namespace saturn {

std::vector<std::string> split_dotted(const std::string& key) {
  std::vector<std::string> keys;
  std::stringstream ks(key);
  for (std::string k; std::getline(ks, k, '.');) keys.push_back(k);
  return keys;
}

void set_path(YAML::Node root, const std::vector<std::string>& keys, const YAML::Node& value) {
  YAML::Node cur = root;
  for (std::size_t i = 0; i + 1 < keys.size(); ++i) {
    if (!cur[keys[i]] || !cur[keys[i]].IsMap()) cur[keys[i]] = YAML::Node(YAML::NodeType::Map);
    cur.reset(cur[keys[i]]);
  }
  cur[keys.back()] = value;
}

namespace {

std::string flow_label(const YAML::Node& value) {
  if (value.IsScalar()) return value.Scalar();
  YAML::Emitter e;
  e << YAML::Flow << value;
  return e.c_str();
}


// `sweep: {key: [v1, v2], key2: {label: value, ...}}`.
std::vector<SweepAxis> parse_sweep_axes(Validator& v, const YAML::Node& sweep, const std::string& field) {
  std::vector<SweepAxis> axes;
  if (!sweep.IsMap()) {
    v.problem(sweep, field, "expected a mapping from config keys to lists of values");
    return axes;
  }
  for (const auto& kv : sweep) {
    if (!kv.first.IsScalar()) {
      v.problem(kv.first, field, "a sweep key must be a dotted config key such as optimizer.lr");
      continue;
    }
    SweepAxis axis{kv.first.as<std::string>(), {}};
    const std::string f = field + "." + axis.key;
    if (axis.key == "sweep" || axis.key == "kind" || axis.key.empty() || axis.key.front() == '.' || axis.key.back() == '.') {
      v.problem(kv.first, f, "cannot be swept");
      continue;
    }
    if (kv.second.IsSequence()) {
      for (const auto& item : kv.second) axis.values.emplace_back(flow_label(item), item);
    } else if (kv.second.IsMap()) {
      for (const auto& item : kv.second) {
        std::string label;
        if (v.key_name(item.first, f, "value's label", label)) axis.values.emplace_back(label, item.second);
      }
    } else {
      v.problem(kv.second, f, "expected a list of values or a mapping from labels to values");
      continue;
    }
    if (axis.values.empty()) v.problem(kv.second, f, "has no values");
    else axes.push_back(std::move(axis));
  }
  return axes;
}

}  // namespace

std::vector<SweepAxis> parse_sweep(Validator& v, const YAML::Node* sweep, const std::string& field, int seeds) {
  std::vector<SweepAxis> axes;
  if (sweep) axes = parse_sweep_axes(v, *sweep, field);
  if (seeds > 0) {
    std::erase_if(axes, [](const SweepAxis& a) { return a.key == "seed"; });
    SweepAxis axis{"seed", {}};
    for (int s = 1; s <= seeds; ++s) axis.values.emplace_back(std::to_string(s), YAML::Node(s));
    axes.push_back(std::move(axis));
  }
  // The number of runs, checked before any point is built (a sweep of 10^6 points would otherwise
  // build 10^6 parsed tasks before the first run).
  std::size_t runs = 1;
  for (const auto& a : axes) {
    runs = a.values.size() > kMaxSweepRuns / runs ? kMaxSweepRuns + 1 : runs * a.values.size();
    if (runs > kMaxSweepRuns) break;
  }
  if (runs > kMaxSweepRuns) {
    std::string sizes;
    for (const auto& a : axes) sizes += (sizes.empty() ? "" : " x ") + std::to_string(a.values.size());
    v.problem(sweep ? *sweep : YAML::Node(), field,
              "expands to more than " + std::to_string(kMaxSweepRuns) + " runs (" + sizes +
                  "); split the task into smaller sweeps");
    axes.clear();
  }
  return axes;
}

namespace {

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

}  // namespace

std::vector<SweepPoint> sweep_points(const std::string& task, const YAML::Node& node, const std::vector<SweepAxis>& axes,
                                     const YAML::Node& defaults) {
  std::vector<SweepPoint> points;
  std::vector<std::size_t> index(axes.size(), 0);
  while (true) {
    SweepPoint p;
    p.node = YAML::Clone(node);
    for (std::size_t a = 0; a < axes.size(); ++a) {
      const auto& [label, value] = axes[a].values[index[a]];
      set_path(p.node, split_dotted(axes[a].key), value);
      p.params.emplace_back(axes[a].key, label);
    }
    p.id = point_id(task, p.params);
    const bool language =
        !(p.node.IsMap() && p.node["kind"] && p.node["kind"].IsScalar() && p.node["kind"].Scalar() != "language");
    YAML::Emitter e;
    e << resolve_with_defaults(p.node, defaults, language);
    p.config_yaml = std::string(e.c_str()) + "\n";
    points.push_back(std::move(p));
    // Next index, last axis fastest.
    std::size_t a = axes.size();
    while (a > 0 && ++index[a - 1] == axes[a - 1].values.size()) index[--a] = 0;
    if (a == 0) break;
  }
  return points;
}

}  // namespace saturn
