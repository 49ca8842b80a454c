// Sweeps of tasks.yaml: `sweep: {key: [v1, v2], key2: {label: value, ...}}` maps dotted config
// keys (e.g. optimizer.lr) to lists of values, or to mappings from labels to values; every
// combination is one point (first key outermost), run in its own folder. `--seeds N` adds (or
// replaces) an axis `seed` over 1..N. Also the dotted-key setter that `--set` uses.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace saturn {

class Validator;  // harness/yaml_validator.h

// "a.b.c" -> {"a", "b", "c"}.
std::vector<std::string> split_dotted(const std::string& key);
// Sets root[k1][k2]...[kn] = value, creating maps on the way.
void set_path(YAML::Node root, const std::vector<std::string>& keys, const YAML::Node& value);

// A sweep axis: a dotted key and its values with their labels.
struct SweepAxis {
  std::string key;
  std::vector<std::pair<std::string, YAML::Node>> values;
};

// The most runs one task's sweep (with --seeds) may expand to; more is refused as bad input
// naming the axes' sizes.
inline constexpr std::size_t kMaxSweepRuns = 100000;

// The axes of a task's `sweep:` node (null: the task has none; problems reported through the
// Validator), then with `seeds` > 0 the axis `seed` over 1..seeds in place of any `seed` axis.
std::vector<SweepAxis> parse_sweep(Validator& v, const YAML::Node* sweep, const std::string& field, int seeds);

// One combination of the axes.
struct SweepPoint {
  std::string id;  // folder: "task", or "task/key=label,key2=label2" (folder-safe)
  std::vector<std::pair<std::string, std::string>> params;  // key -> value label, in axis order
  YAML::Node node;          // the task's node with the point's values set
  std::string config_yaml;  // the point as resolved (language tasks: `defaults` merged in)
};
// Every point of `task`'s node (without its `sweep:` key) over the axes, first axis outermost
// (no axes: one point, the task itself).
std::vector<SweepPoint> sweep_points(const std::string& task, const YAML::Node& node, const std::vector<SweepAxis>& axes,
                                     const YAML::Node& defaults);

}  // namespace saturn
