#include "transformer/trainer.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "transformer/model_io.h"
#include "transformer/safetensors.h"

namespace saturn {

namespace fs = std::filesystem;

template <class S>
EvalScore evaluate(const Model<S>& model, const EvalSet& set, Workspace<S>& ws) {
  EvalScore r{set.name, 0, 0, 0};
  double loss = 0;
  int correct = 0;
  for (const auto& b : set.batches) {
    const auto st = forward(model, b, ws);
    loss += st.loss * st.strings;
    correct += st.correct;
    r.strings += st.strings;
  }
  if (r.strings > 0) {
    r.loss = loss / r.strings;
    r.accuracy = static_cast<double>(correct) / r.strings;
  }
  return r;
}

void save_checkpoint(const fs::path& dir, const Model<float>& model, const Optimizer<float>& opt, std::int64_t step) {
  const fs::path tmp = dir.string() + ".tmp";
  fs::remove_all(tmp);
  save_model_dir(tmp, model);
  std::map<std::string, TensorData> state;
  state["m"] = {Dtype::f32, {static_cast<std::int64_t>(opt.m().size())}, {opt.m().begin(), opt.m().end()}};
  state["v"] = {Dtype::f32, {static_cast<std::int64_t>(opt.v().size())}, {opt.v().begin(), opt.v().end()}};
  write_safetensors(tmp / "optimizer.safetensors", state);
  const nlohmann::json meta{{"step", step}, {"optimizer_steps", opt.steps()}};
  write_file_atomic(tmp / "state.json", meta.dump(2) + "\n");
  // Swap in: the old checkpoint stays until the new one is complete.
  const fs::path old = dir.string() + ".old";
  fs::remove_all(old);
  if (fs::exists(dir)) fs::rename(dir, old);
  fs::rename(tmp, dir);
  fs::remove_all(old);
}

std::int64_t load_checkpoint(const fs::path& dir, Model<float>& model, Optimizer<float>& opt) {
  Model<float> loaded = load_model_dir<float>(dir);
  if (loaded.table.total_size() != model.table.total_size())
    throw Error(fmt::format("{}: the checkpoint's model does not match the configured one", dir.string()));
  model.params = loaded.params;
  const auto state = read_safetensors(dir / "optimizer.safetensors");
  for (const char* key : {"m", "v"}) {
    const auto it = state.tensors.find(key);
    if (it == state.tensors.end() || it->second.values.size() != model.params.size())
      throw Error(fmt::format("{}: optimizer state '{}' is missing or has the wrong size", dir.string(), key));
    auto& dst = std::string(key) == "m" ? opt.m() : opt.v();
    for (std::size_t i = 0; i < dst.size(); ++i) dst[i] = static_cast<float>(it->second.values[i]);
  }
  std::ifstream in(dir / "state.json");
  nlohmann::json meta;
  try {
    meta = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: state.json is not valid JSON ({})", dir.string(), e.what()));
  }
  opt.set_steps(meta.at("optimizer_steps").get<std::int64_t>());
  return meta.at("step").get<std::int64_t>();
}

TrainSummary train(Model<float>& model, const DataSource& data, const std::vector<EvalSet>& evals,
                   const TrainOptions& o) {
  TrainSummary summary;
  Optimizer<float> opt(o.optimizer, model.table);
  Workspace<float> ws;
  std::vector<float> grads(model.params.size(), 0.0f);
  std::int64_t start = 0;
  const bool writing = !o.out_dir.empty();
  const fs::path ckpt = o.out_dir / "checkpoint";
  std::ofstream metrics;
  if (writing) {
    fs::create_directories(o.out_dir);
    if (o.resume && fs::exists(ckpt / "state.json")) {
      start = load_checkpoint(ckpt, model, opt);
      // Keep the metrics of the completed steps only (a crash may have left later lines).
      std::ifstream old(o.out_dir / "metrics.jsonl");
      std::string kept, line;
      while (std::getline(old, line)) {
        try {
          const auto j = nlohmann::json::parse(line);
          if (j.value("step", std::int64_t{0}) <= start) kept += line + "\n";
        } catch (const nlohmann::json::exception&) {
          break;  // a half-written last line
        }
      }
      write_file_atomic(o.out_dir / "metrics.jsonl", kept);
    } else {
      write_file_atomic(o.out_dir / "metrics.jsonl", "");
    }
    metrics.open(o.out_dir / "metrics.jsonl", std::ios::app);
  }
  Batch batch;
  const auto t0 = std::chrono::steady_clock::now();
  long examples = 0, tokens = 0;
  double window_loss = 0;
  int window_correct = 0, window_strings = 0;
  auto log_line = [&](std::int64_t step, double lr_factor, double grad_norm) {
    nlohmann::ordered_json j;
    j["step"] = step;
    j["loss"] = window_strings ? window_loss / window_strings : 0.0;
    j["accuracy"] = window_strings ? static_cast<double>(window_correct) / window_strings : 0.0;
    j["lr"] = o.optimizer.lr * lr_factor;
    j["grad_norm"] = grad_norm;
    j["param_norm"] = l2_norm(model.params.data(), model.params.size());
    nlohmann::ordered_json groups;
    std::array<double, kNumParamGroups> sq{};
    for (const auto& spec : model.table.specs()) {
      const double n = l2_norm(model.params.data() + spec.offset, spec.size);
      sq[static_cast<std::size_t>(spec.group)] += n * n;
    }
    for (int gi = 0; gi < kNumParamGroups; ++gi) groups[param_group_name(static_cast<ParamGroup>(gi))] = std::sqrt(sq[static_cast<std::size_t>(gi)]);
    j["group_norms"] = groups;
    j["attention_entropy"] = attention_entropies(model, batch, ws);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    j["examples_per_second"] = secs > 0 ? examples / secs : 0.0;
    if (writing) metrics << j.dump() << "\n" << std::flush;
    if (o.progress) {
      const double eta = step > start ? secs / static_cast<double>(step - start) * static_cast<double>(o.steps - step) : 0.0;
      std::fprintf(stderr, "\rstep %lld/%d  loss %.4f  acc %.3f  |theta| %.2f  %.0f ex/s  ETA %.0fs   ",
                   static_cast<long long>(step), o.steps, j["loss"].get<double>(), j["accuracy"].get<double>(),
                   j["param_norm"].get<double>(), j["examples_per_second"].get<double>(), eta);
    }
    window_loss = 0;
    window_correct = window_strings = 0;
  };
  auto run_evals = [&](std::int64_t step) {
    std::vector<EvalScore> out;
    for (const auto& set : evals) out.push_back(evaluate(model, set, ws));
    if (writing && !out.empty()) {
      nlohmann::ordered_json j;
      j["step"] = step;
      for (const auto& r : out) j["eval"][r.name] = {{"loss", r.loss}, {"accuracy", r.accuracy}, {"strings", r.strings}};
      metrics << j.dump() << "\n" << std::flush;
    }
    return out;
  };

  for (std::int64_t step = start; step < o.steps; ++step) {
    data.batch(step, batch);
    const auto st = forward(model, batch, ws);
    if (!std::isfinite(st.loss)) {
      summary.diverged = true;
      throw DivergedError(fmt::format("the loss became {} at step {}; the last good checkpoint is kept{}", st.loss, step,
                                      writing ? " in " + ckpt.string() : ""));
    }
    std::fill(grads.begin(), grads.end(), 0.0f);
    backward(model, batch, ws, grads.data());
    const double lr_factor = o.schedule.factor(step);
    const double grad_norm = opt.step(model.params.data(), grads.data(), lr_factor);
    examples += st.strings;
    tokens += batch.num_tokens();
    window_loss += st.loss * st.strings;
    window_correct += st.correct;
    window_strings += st.strings;
    summary.final_loss = st.loss;
    summary.final_accuracy = static_cast<double>(st.correct) / st.strings;
    const std::int64_t done = step + 1;
    if (o.log_every > 0 && (done % o.log_every == 0 || done == o.steps)) log_line(done, lr_factor, grad_norm);
    if (o.eval_every > 0 && done % o.eval_every == 0 && done != o.steps) run_evals(done);
    if (writing && o.checkpoint_every > 0 && done % o.checkpoint_every == 0 && done != o.steps)
      save_checkpoint(ckpt, model, opt, done);
  }
  if (o.progress) std::fprintf(stderr, "\n");
  summary.steps_done = o.steps;
  summary.evals = run_evals(o.steps);
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  summary.examples_per_second = summary.seconds > 0 ? examples / summary.seconds : 0;
  summary.tokens_per_second = summary.seconds > 0 ? tokens / summary.seconds : 0;
  if (writing) {
    save_checkpoint(ckpt, model, opt, o.steps);
    save_model_dir(o.out_dir / "model", model);
  }
  return summary;
}

template EvalScore evaluate<float>(const Model<float>&, const EvalSet&, Workspace<float>&);
template EvalScore evaluate<double>(const Model<double>&, const EvalSet&, Workspace<double>&);

}  // namespace saturn
