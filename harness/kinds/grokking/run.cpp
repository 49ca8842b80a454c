// The grokking kind's run (settings and file formats: harness/kinds/grokking/spec.h).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/parallel.h"
#include "core/streams.h"
#include "harness/kinds/grokking/modular_addition.h"
#include "harness/kinds/grokking/spec.h"
#include "harness/progress.h"
#include "transformer/checkpoint.h"
#include "transformer/metrics.h"
#include "transformer/trainer.h"

namespace saturn {

namespace fs = std::filesystem;

namespace {

class FullBatch final : public DataSource {
 public:
  explicit FullBatch(const Batch& b) : b_(b) {}
  void batch(std::int64_t, Batch& out) const override {
    if (out.tokens.size() != b_.tokens.size()) out = b_;  // the same batch every step: copied once
  }

 private:
  const Batch& b_;
};

// Loss, accuracy, attention entropies and feature ranks of the model on one split.
nlohmann::ordered_json measure(const Model<float>& m, const Batch& b, Workspace<float>& ws) {
  const auto st = forward(m, b, ws);
  nlohmann::ordered_json j;
  j["loss"] = st.loss;
  j["accuracy"] = static_cast<double>(st.correct) / st.strings;
  const auto per_head = attention_entropies(m, b, ws);  // [layer][head]
  double mean = 0;
  long count = 0;
  for (const auto& layer : per_head)
    for (double e : layer) mean += e, ++count;
  j["entropy"] = count ? mean / static_cast<double>(count) : 0.0;
  // Entropy of the head-averaged attention, mean over layers, strings and queries.
  const int H = m.config.n_heads;
  double h_avg = 0;
  long queries = 0;
  for (int l = 0; l < m.config.n_layers; ++l)
    for (int i = 0; i < b.size(); ++i) {
      const long T = b.length(i);
      for (long t = 0; t < T; ++t) {
        double h = 0;
        for (long k = 0; k < T; ++k) {
          double p = 0;
          for (int hh = 0; hh < H; ++hh) p += static_cast<double>(attention_weights(m, b, ws, l, i, hh)(t, k));
          p /= H;
          if (p > 0) h -= p * std::log(p);
        }
        h_avg += h;
        ++queries;
      }
    }
  j["entropy_of_mean"] = queries ? h_avg / static_cast<double>(queries) : 0.0;
  j["entropy_heads"] = per_head;
  // Pre-logit features at the last position of every string.
  const long d = m.config.d_model;
  Eigen::MatrixXd features(b.size(), d);
  for (int i = 0; i < b.size(); ++i) {
    const auto z = final_states(b, ws, i);
    features.row(i) = z.row(z.rows() - 1).template cast<double>();
  }
  const auto c = feature_compressibility(features);
  j["effective_rank"] = c.effective_rank;
  j["stable_rank"] = c.stable_rank;
  j["rank"] = c.rank;
  return j;
}

// The step of the checkpoint in `dir`, or -1 when there is none, read through the trainer's own
// loader (transformer/checkpoint.h) into a scratch model, so a checkpoint the trainer would
// refuse is refused here with the same message. Cost: one load of a small model.
std::int64_t checkpoint_step(const fs::path& dir, const ModelConfig& config, const OptimizerOptions& optimizer) {
  const auto found = find_checkpoint(dir);
  if (!found) return -1;
  Model<float> scratch(config);
  Optimizer<float> opt(optimizer, scratch.table);
  return load_checkpoint(*found, scratch, opt).step;
}

}  // namespace

std::vector<nlohmann::json> read_grokking_trace(const fs::path& path) {
  std::vector<nlohmann::json> out;
  for (auto& j : read_jsonl(path))
    if (j.contains("step")) out.push_back(std::move(j));
  return out;
}

double trace_value(const nlohmann::json& j, const char* split, const char* key) {
  if (!j.contains(split) || !j[split].contains(key) || !j[split][key].is_number()) return std::nan("");
  return j[split][key].get<double>();
}

namespace {

// The first steps at which the test split met the thresholds, as records arrive.
struct GrokWatch {
  double accuracy, loss;
  std::int64_t acc_step = -1, loss_step = -1;
  void add(const nlohmann::json& r) {
    const auto step = r["step"].get<std::int64_t>();
    if (acc_step < 0 && trace_value(r, "test", "accuracy") >= accuracy) acc_step = step;
    if (loss_step < 0 && trace_value(r, "test", "loss") <= loss) loss_step = step;
  }
  // Whether a run at `step` has been grokked (both thresholds) for at least `after` steps.
  bool stop(std::int64_t step, int after) const {
    return acc_step >= 0 && loss_step >= 0 && step >= std::max(acc_step, loss_step) + after;
  }
};

class GrokkingKind final : public TaskKind {
 public:
  explicit GrokkingKind(GrokkingSpec s) : s_(std::move(s)) {}
  const char* kind() const override { return "grokking"; }
  std::uint64_t seed() const override { return s_.seed; }

  RunOutput run(const RunContext& ctx) const override {
    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    ThreadLimit limit(ctx.threads);
    const ModelConfig config = grokking_config(s_);
    const auto split = modular_addition_split(s_.modulus, s_.train_fraction, s_.seed);
    const Batch train_batch = modular_addition_batch(config, s_.modulus, s_.bos, split.train);
    const Batch test_batch = modular_addition_batch(config, s_.modulus, s_.bos, split.test);
    const std::uint64_t init_seed = s_.training.seed_set ? s_.training.seed : s_.seed;
    Model<float> model(config);
    model.init(init_seed);
    if (s_.embed_init == EmbedInit::paper) {
      Rng rng(init_seed, streams::kGrokkingEmbedding);
      const double sd = 1.0 / std::sqrt(static_cast<double>(config.d_model));
      const auto& spec = model.table.at("embed.weight");
      for (std::size_t j = 0; j < spec.size; ++j) model.params[spec.offset + j] = static_cast<float>(sd * rng.normal());
    }

    TrainOptions o = train_options(s_.training, s_.optimizer);
    o.seed = init_seed;
    o.threads = ctx.threads;
    o.eval_every = s_.record_every;
    o.out_dir = ctx.dir;
    if (ctx.progress)
      o.on_progress = progress_to_stderr();

    // The trace keeps the records up to the checkpoint's step; without a step-0 record the
    // run starts over.
    fs::create_directories(ctx.dir);
    const fs::path trace_path = ctx.dir / "grokking.jsonl";
    std::int64_t resumed = checkpoint_step(ctx.dir / "checkpoint", config, o.optimizer);
    if (resumed >= 0) {
      const auto kept = read_grokking_trace(trace_path);
      if (kept.empty() || kept.front()["step"].get<std::int64_t>() != 0) {
        fs::remove_all(ctx.dir / "checkpoint");
        fs::remove_all(ctx.dir / "checkpoint.old");
        resumed = -1;
      }
    }
    o.resume = resumed >= 0;
    MetricsLog trace(trace_path, resumed);
    GrokWatch watch{s_.grok_accuracy, s_.grok_loss};
    if (resumed >= 0)
      for (const auto& r : read_grokking_trace(trace_path)) watch.add(r);
    Workspace<float> ews;
    auto record = [&](std::int64_t step) {
      nlohmann::ordered_json j;
      j["step"] = step;
      double norm = 0;
      group_norms(model.table, model.params.data(), &norm);
      j["param_norm"] = norm;
      j["train"] = measure(model, train_batch, ews);
      j["test"] = measure(model, test_batch, ews);
      trace.write(j);
      watch.add(j);
    };
    if (resumed < 0) record(0);
    o.on_eval = [&](std::int64_t step, const std::vector<EvalScore>&) {
      if (step > resumed) record(step);
    };
    if (s_.stop_after >= 0) {
      o.stop_early = [&](std::int64_t step) { return watch.stop(step, s_.stop_after); };
      // A run that had already stopped before it was interrupted ends where it stopped.
      if (resumed >= 0 && watch.stop(resumed, s_.stop_after)) o.steps = static_cast<int>(resumed);
    }
    const FullBatch data(train_batch);
    const auto summary = train(model, data, {}, o);
    if (ctx.progress) end_progress_on_stderr();

    // Everything below comes from the trace, so a resumed run reports what an uninterrupted one does.
    const auto records = read_grokking_trace(trace_path);
    if (records.empty()) throw Error(fmt::format("{}: no records", trace_path.string()));
    std::vector<std::int64_t> steps;
    std::vector<double> test_acc, test_loss, train_acc;
    for (const auto& r : records) {
      steps.push_back(r["step"].get<std::int64_t>());
      test_acc.push_back(trace_value(r, "test", "accuracy"));
      test_loss.push_back(trace_value(r, "test", "loss"));
      train_acc.push_back(trace_value(r, "train", "accuracy"));
    }
    const auto& last = records.back();
    const auto grok_acc = first_step_reaching(steps, test_acc, s_.grok_accuracy, true);
    const auto grok_loss = first_step_reaching(steps, test_loss, s_.grok_loss, false);
    const auto fit_train = first_step_reaching(steps, train_acc, s_.grok_accuracy, true);
    auto step_or_nan = [](std::int64_t s) { return s < 0 ? std::nan("") : static_cast<double>(s); };

    RunOutput out;
    out.rows.push_back({"softmax", "train", train_batch.size(), trace_value(last, "train", "accuracy"),
                        trace_value(last, "train", "loss")});
    out.rows.push_back({"softmax", "test", test_batch.size(), trace_value(last, "test", "accuracy"),
                        trace_value(last, "test", "loss")});
    out.scalars = {{"steps_to_grok_accuracy", step_or_nan(grok_acc)},
                   {"steps_to_grok_loss", step_or_nan(grok_loss)},
                   {"grokked_accuracy", grok_acc >= 0 ? 1.0 : 0.0},
                   {"grokked_loss", grok_loss >= 0 ? 1.0 : 0.0},
                   {"steps_to_train_accuracy", step_or_nan(fit_train)},
                   {"final_test_accuracy", trace_value(last, "test", "accuracy")},
                   {"final_test_loss", trace_value(last, "test", "loss")},
                   {"final_train_accuracy", trace_value(last, "train", "accuracy")},
                   {"final_train_loss", trace_value(last, "train", "loss")},
                   {"final_effective_rank", trace_value(last, "test", "effective_rank")},
                   {"final_stable_rank", trace_value(last, "test", "stable_rank")},
                   {"final_effective_rank_train", trace_value(last, "train", "effective_rank")},
                   {"final_entropy", trace_value(last, "test", "entropy")},
                   {"final_entropy_of_mean", trace_value(last, "test", "entropy_of_mean")},
                   {"final_param_norm", last["param_norm"].get<double>()}};
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    const std::int64_t steps_here = summary.steps_done - std::max<std::int64_t>(resumed, 0);
    out.details = {{"placement", placement_name(config)},
                   {"readout_scale", config.readout_scale},
                   {"modulus", s_.modulus},
                   {"train_pairs", train_batch.size()},
                   {"test_pairs", test_batch.size()},
                   {"bos", s_.bos},
                   {"parameters", model.params.size()},
                   {"steps", summary.steps_done},
                   {"records", records.size()},
                   {"trace", "grokking.jsonl"},
                   {"resumed_from_step", resumed},
                   {"seconds", seconds},
                   {"training_seconds", summary.seconds},
                   {"seconds_per_step", steps_here > 0 ? summary.seconds / static_cast<double>(steps_here) : 0.0}};
    return out;
  }

  const GrokkingSpec& spec() const { return s_; }

 private:
  GrokkingSpec s_;
};

}  // namespace

std::shared_ptr<const TaskKind> make_grokking_kind(GrokkingSpec spec) { return std::make_shared<GrokkingKind>(std::move(spec)); }

}  // namespace saturn
