#include "transformer/checkpoint.h"

#include <cmath>

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/fault_point.h"
#include "transformer/model_dir.h"
#include "transformer/safetensors.h"

namespace saturn {

namespace fs = std::filesystem;

namespace {

const char* kind_name(OptimizerKind k) {
  switch (k) {
    case OptimizerKind::sgd: return "sgd";
    case OptimizerKind::adam: return "adam";
    case OptimizerKind::adamw: return "adamw";
    case OptimizerKind::rmsprop: return "rmsprop";
  }
  return "?";
}

// "m.<name>" then "v.<name>" for every parameter, laid out like [m; v] (each the parameters'
// layout), so the file lists the tensors in table order whatever the layout.
TensorTable state_table(const TensorTable& params) {
  TensorTable t;
  for (const char* prefix : {"m.", "v."})
    for (const auto& s : params.specs()) t.add(prefix + s.name, s.shape, s.group);
  auto order = params.layout_order();
  const std::size_t n = order.size();
  for (std::size_t k = 0; k < n; ++k) order.push_back(order[k] + n);
  t.lay_out(order);
  return t;
}

bool complete(const fs::path& dir) {
  return fs::exists(dir / "state.json") && fs::exists(dir / "model.safetensors") &&
         fs::exists(dir / "optimizer.safetensors") && fs::exists(dir / "config.json");
}

}  // namespace

template <class S>
void save_checkpoint(const fs::path& dir, const Model<S>& model, const Optimizer<S>& opt, const CheckpointState& state) {
  const fs::path tmp = dir.string() + ".tmp", old = dir.string() + ".old";
  fs::remove_all(tmp);
  save_model_dir(tmp, model);
  const std::size_t n = model.params.size();
  std::vector<S> mv(2 * n);
  std::copy(opt.m().begin(), opt.m().end(), mv.begin());
  std::copy(opt.v().begin(), opt.v().end(), mv.begin() + static_cast<std::ptrdiff_t>(n));
  write_safetensors(tmp / "optimizer.safetensors", state_table(model.table), mv.data(),
                    std::is_same_v<S, float> ? Dtype::f32 : Dtype::f64);
  nlohmann::ordered_json j;
  j["format"] = "saturn-checkpoint";
  j["step"] = state.step;
  j["data_cursor"] = state.data_cursor;
  j["seed"] = state.seed;
  if (std::isfinite(state.last_loss)) j["last_loss"] = state.last_loss;
  if (std::isfinite(state.last_accuracy)) j["last_accuracy"] = state.last_accuracy;
  j["optimizer"] = {{"kind", kind_name(opt.options().kind)}, {"steps", opt.steps()}};
  if (state.window_strings > 0)
    j["metrics_window"] = {{"loss_sum", state.window_loss_sum}, {"correct", state.window_correct},
                           {"strings", state.window_strings}};
  write_file_atomic(tmp / "state.json", j.dump(2) + "\n");
  kill_point("checkpoint.written");
  // Swap in: a complete checkpoint exists at dir or old at every moment. dir, when it exists, is
  // complete (it is only ever made by renaming a complete tmp). When it does not, old may hold the
  // only checkpoint (a run killed between the two renames below, then resumed from old): old is
  // then kept until the new one is in place.
  if (fs::exists(dir)) {
    fs::remove_all(old);
    fs::rename(dir, old);
  }
  kill_point("checkpoint.moved_old");
  fs::rename(tmp, dir);
  kill_point("checkpoint.swapped");
  fs::remove_all(old);
}

std::optional<fs::path> find_checkpoint(const fs::path& dir) {
  if (complete(dir)) return dir;
  const fs::path old = dir.string() + ".old";
  if (complete(old)) return old;
  return std::nullopt;
}

template <class S>
CheckpointState load_checkpoint(const fs::path& dir, Model<S>& model, Optimizer<S>& opt) {
  const fs::path state_path = dir / "state.json";
  std::ifstream in(state_path);
  if (!in) throw Error(fmt::format("{}: cannot open file", state_path.string()));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: not valid JSON ({})", state_path.string(), e.what()));
  }
  CheckpointState state;
  std::int64_t opt_steps = 0;
  std::string kind;
  try {
    state.step = j.at("step").get<std::int64_t>();
    state.data_cursor = j.at("data_cursor").get<std::int64_t>();
    state.seed = j.at("seed").get<std::uint64_t>();
    if (j.contains("last_loss")) state.last_loss = j.at("last_loss").get<double>();
    if (j.contains("last_accuracy")) state.last_accuracy = j.at("last_accuracy").get<double>();
    kind = j.at("optimizer").at("kind").get<std::string>();
    opt_steps = j.at("optimizer").at("steps").get<std::int64_t>();
    if (j.contains("metrics_window")) {
      const auto& w = j.at("metrics_window");
      state.window_loss_sum = w.at("loss_sum").get<double>();
      state.window_correct = w.at("correct").get<std::int64_t>();
      state.window_strings = w.at("strings").get<std::int64_t>();
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: missing or malformed field ({})", state_path.string(), e.what()));
  }
  if (state.step < 0 || state.data_cursor < 0 || opt_steps < 0 || state.window_correct < 0 || state.window_strings < 0)
    throw Error(fmt::format("{}: negative step or cursor", state_path.string()));
  if (kind != kind_name(opt.options().kind))
    throw Error(fmt::format("{}: the checkpoint's optimizer is {}, this run uses {}", state_path.string(), kind,
                            kind_name(opt.options().kind)));
  const ModelConfig saved = load_config(dir);
  if (config_to_json(saved) != config_to_json(model.config))
    throw Error(fmt::format("{}: the checkpoint's model config differs from this run's", (dir / "config.json").string()));
  std::vector<S> params(model.params.size());
  load_safetensors(dir / "model.safetensors", model.table, params.data());
  const std::size_t n = model.params.size();
  std::vector<S> mv(2 * n);
  load_safetensors(dir / "optimizer.safetensors", state_table(model.table), mv.data());
  // Everything read and checked: only now change the model and optimizer.
  model.params = std::move(params);
  std::copy(mv.begin(), mv.begin() + static_cast<std::ptrdiff_t>(n), opt.m().begin());
  std::copy(mv.begin() + static_cast<std::ptrdiff_t>(n), mv.end(), opt.v().begin());
  opt.set_steps(opt_steps);
  return state;
}

template void save_checkpoint<float>(const fs::path&, const Model<float>&, const Optimizer<float>&, const CheckpointState&);
template void save_checkpoint<double>(const fs::path&, const Model<double>&, const Optimizer<double>&, const CheckpointState&);
template CheckpointState load_checkpoint<float>(const fs::path&, Model<float>&, Optimizer<float>&);
template CheckpointState load_checkpoint<double>(const fs::path&, Model<double>&, Optimizer<double>&);

}  // namespace saturn
