#include "transformer/trainer.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <optional>

#include "core/fault_point.h"
#include "core/parallel.h"
#include "transformer/config_json.h"
#include "transformer/model_dir.h"

namespace saturn {

namespace fs = std::filesystem;

template <class S>
EvalScore evaluate(const Model<S>& model, const EvalSet& set, Workspace<S>& ws) {
  EvalScore r{set.name, 0, 0, 0};
  double loss = 0;
  long correct = 0;
  for (const auto& b : set.batches) {
    const auto st = forward(model, b, ws, {}, ForwardScope::loss);
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

TrainSummary train(Model<float>& model, const DataSource& data, const std::vector<EvalSet>& evals,
                   const TrainOptions& o) {
  using Clock = std::chrono::steady_clock;
  ThreadLimit limit(o.threads);
  TrainSummary summary;
  Optimizer<float> opt(o.optimizer, model.table);
  Workspace<float> ws;
  std::vector<float> grads(model.params.size(), 0.0f);  // (P) same layout as the parameters
  std::int64_t start = 0;
  bool resumed = false;  // from a checkpoint
  const bool writing = !o.out_dir.empty();
  const fs::path ckpt = o.out_dir / "checkpoint";
  std::optional<MetricsLog> log;
  MetricsWindow resumed_window;
  if (writing) {
    fs::create_directories(o.out_dir);
    const auto found = o.resume ? find_checkpoint(ckpt) : std::nullopt;
    if (found) {
      // The checkpoint's attention_scale is the temperature factor of its step (checked below).
      const double saved_scale = load_config(*found).attention_scale;
      if (o.attention_temperature.active()) model.config.attention_scale = saved_scale;
      const auto state = load_checkpoint(*found, model, opt);
      if (state.seed != o.seed)
        throw Error(fmt::format("{}: the checkpoint was written by a run with seed {}, this run has seed {}",
                                found->string(), state.seed, o.seed));
      if (state.data_cursor != state.step)
        throw Error(fmt::format("{}: data cursor {} differs from step {}", found->string(), state.data_cursor, state.step));
      start = state.step;
      resumed = true;
      if (o.attention_temperature.active() && saved_scale != o.attention_temperature.factor(start))
        throw Error(fmt::format("{}: the checkpoint's attention_scale {} is not this run's attention temperature {} at step {}",
                                found->string(), saved_scale, o.attention_temperature.factor(start), start));
      if (std::isfinite(state.last_loss)) summary.final_loss = state.last_loss;  // absent in older checkpoints
      if (std::isfinite(state.last_accuracy)) summary.final_accuracy = state.last_accuracy;
      resumed_window = MetricsWindow::from_sums(state.window_loss_sum, state.window_correct, state.window_strings);
    }
    log.emplace(o.out_dir / "metrics.jsonl", found ? start : -1);
  }

  Batch batch;
  const auto t0 = Clock::now();
  long examples = 0, tokens = 0;
  MetricsWindow window = resumed_window;
  auto log_line = [&](std::int64_t step, double lr_factor, double grad_norm) {
    MetricsLine m;
    m.step = step;
    m.loss = window.loss();
    m.accuracy = window.accuracy();
    m.lr = o.optimizer.lr * lr_factor;
    m.grad_norm = grad_norm;
    m.group_norms = group_norms(model.table, model.params.data(), &m.param_norm);
    if (ws.narrow) forward(model, batch, ws);  // every position (the step's pass computed the loss only)
    m.attention_entropy = attention_entropies(model, batch, ws);
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    m.examples_per_second = secs > 0 ? static_cast<double>(examples) / secs : 0.0;
    if (log) log->write(to_json(m));
    if (o.on_progress) {
      Progress p{step, o.steps, m.loss, m.accuracy, m.param_norm, m.examples_per_second, 0.0};
      if (step > start) p.eta_seconds = secs / static_cast<double>(step - start) * static_cast<double>(o.steps - step);
      o.on_progress(p);
    }
    window.reset();
  };
  auto run_evals = [&](std::int64_t step, bool write_log) {
    std::vector<EvalScore> out;
    for (const auto& set : evals) out.push_back(evaluate(model, set, ws));
    if (log && write_log && !out.empty()) {
      nlohmann::ordered_json j;
      j["step"] = step;
      for (const auto& r : out) j["eval"][r.name] = {{"loss", r.loss}, {"accuracy", r.accuracy}, {"strings", r.strings}};
      log->write(j);
    }
    if (o.on_eval) o.on_eval(step, out);
    return out;
  };
  auto diverged = [&](const char* what, double value, std::int64_t step) {
    return DivergedError(fmt::format("the {} became {} at step {}; stopped, the last good checkpoint is {}", what,
                                     value, step + 1,
                                     writing && find_checkpoint(ckpt) ? "kept in " + ckpt.string() : "none (no checkpoint written yet)"));
  };

  // Everything a resume needs besides the weights and the optimizer: the data cursor is the step.
  auto checkpoint_state = [&](std::int64_t done) {
    return CheckpointState{done, done, o.seed, summary.final_loss, summary.final_accuracy,
                           window.loss_sum(), window.correct(), window.strings()};
  };
  std::int64_t stopped_at = -1;  // the step stop_early ended the run at
  // The attention temperature factor after t steps (transformer/schedule.h), when one is set.
  auto set_attention_scale = [&](std::int64_t t) {
    if (o.attention_temperature.active()) model.config.attention_scale = o.attention_temperature.factor(t);
  };
  set_attention_scale(start);
  for (std::int64_t step = start; step < o.steps; ++step) {
    set_attention_scale(step);
    data.batch(step, batch);  // data cursor == step
    const auto st = forward(model, batch, ws, {}, ForwardScope::loss);
    if (!std::isfinite(st.loss)) throw diverged("loss", st.loss, step);
    std::fill(grads.begin(), grads.end(), 0.0f);
    backward(model, batch, ws, grads.data());
    const double lr_factor = o.schedule.factor(step);
    const double grad_norm = opt.step(model.params.data(), grads.data(), lr_factor);
    if (!std::isfinite(grad_norm)) throw diverged("gradient norm", grad_norm, step);
    set_attention_scale(step + 1);  // the model after this step: logs, evaluations, checkpoints
    examples += st.strings;
    tokens += batch.num_tokens();
    window.add(st);
    summary.final_loss = st.loss;
    summary.final_accuracy = st.strings ? static_cast<double>(st.correct) / st.strings : 0.0;
    const std::int64_t done = step + 1;
    if (o.log_every > 0 && (done % o.log_every == 0 || done == o.steps)) log_line(done, lr_factor, grad_norm);
    if (o.eval_every > 0 && done % o.eval_every == 0 && done != o.steps) {
      auto scores = run_evals(done, true);
      if (o.stop_early && o.stop_early(done)) {
        stopped_at = done;
        if (o.log_every > 0 && done % o.log_every != 0) log_line(done, lr_factor, grad_norm);
        summary.evals = std::move(scores);
        break;
      }
    }
    kill_point("train.step");  // crash tests only (core/fault_point.h)
    if (writing && o.checkpoint_every > 0 && done % o.checkpoint_every == 0 && done != o.steps)
      save_checkpoint(ckpt, model, opt, checkpoint_state(done));
  }
  summary.steps_done = stopped_at >= 0 ? stopped_at : std::max<std::int64_t>(start, o.steps);
  summary.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  summary.examples_per_second = summary.seconds > 0 ? static_cast<double>(examples) / summary.seconds : 0;
  summary.tokens_per_second = summary.seconds > 0 ? static_cast<double>(tokens) / summary.seconds : 0;
  // A run resumed from its final checkpoint logged these evaluations before writing it.
  if (stopped_at < 0) summary.evals = run_evals(summary.steps_done, !(resumed && start == summary.steps_done));
  if (writing) {
    save_checkpoint(ckpt, model, opt, checkpoint_state(summary.steps_done));
    save_model_dir(o.out_dir / "model", model);
  }
  return summary;
}

template EvalScore evaluate<float>(const Model<float>&, const EvalSet&, Workspace<float>&);
template EvalScore evaluate<double>(const Model<double>&, const EvalSet&, Workspace<double>&);

}  // namespace saturn
