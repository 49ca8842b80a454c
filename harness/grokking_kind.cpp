// The `grokking` kind: modular addition (a + b) mod P from the tokens [a, b, =], a 1-layer
// transformer trained full batch with AdamW, after jaisidhsingh/layernorm-grok
// (/work/shared/papers-digest.md section 4): LN placements x readout scale alpha x seeds.
//
// tasks.yaml (every key optional; the defaults are the paper's):
//   kind: grokking
//   seed: 1                        data order and initialisation (training.seed overrides the latter)
//   data: {modulus: 113, train_fraction: 0.3, bos: false}
//   model: {d_model: 128, n_layers: 1, n_heads: 4, d_ff: 512, activation: relu, ln_eps: 0,
//           attn_bias: false, positional: learned, layer_norm: {attn: none, mlp: false, final: false},
//           readout_scale: 1}      (head, readout and max_len are fixed by the kind)
//   optimizer: {kind: adamw, lr: 1e-3, weight_decay: 1.0, beta1: 0.9, beta2: 0.98, eps: 1e-8}
//   training: {steps: 10000, log_every: 100, checkpoint_every: 1000, schedule: constant}
//   record_every: 100              steps between records of grokking.jsonl
//   grok: {accuracy: 0.995, loss: 0.01}   thresholds on the test split
//   grok.stop_after: N             end the run at the first record N or more steps after test
//                                  accuracy and test loss have both met them (default: never)
//   init: {embedding: paper}       paper: token embedding N(0, 1/d_model); saturn: N(0, 0.02^2)
//
// Sequences are exactly [a, b, =] (no <bos>, as in the paper: the maximal attention entropy is
// ln 3); data.bos: true prepends <bos> (maximum ln 4). The lm head's loss and accuracy count only
// the last position (the next tokens of the others are -1, ignored). The vocabulary is
// 0..P-1, "=", "<bos>": the head has P + 2 outputs (the paper's unembedding has P + 1, no bias).
//
// Files in the run folder besides the trainer's (metrics.jsonl, checkpoint/, model/):
//   grokking.jsonl  one record at step 0 and every record_every steps (and the last step):
//     {"step", "param_norm", "train": M, "test": M} with M = {"loss", "accuracy", "entropy",
//      "entropy_of_mean", "entropy_heads": [[per head] per layer], "effective_rank",
//      "stable_rank", "rank"}; entropy = mean over layers, heads and queries of each head's
//     attention entropy (nats); entropy_of_mean = the entropy of the head-averaged attention
//     (PyTorch's need_weights average, the paper's measure); ranks of the pre-logit features at
//     the last position (harness/grokking.h).
// A killed run resumes from its checkpoint: the trace keeps the records up to the checkpoint's
// step, and the records after it are recomputed from the same (bitwise) states.
//
// Scalars: steps_to_grok_accuracy / steps_to_grok_loss = the first recorded step with test
// accuracy >= grok.accuracy / test loss <= grok.loss, NaN (empty in runs.csv) when never, with
// grokked_accuracy / grokked_loss = 1 or 0; steps_to_train_accuracy (the same on the train
// split: memorisation); final_* of the last record.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>

#include "core/parallel.h"
#include "core/rng.h"
#include "harness/grokking.h"
#include "harness/plot.h"
#include "harness/report.h"
#include "harness/task_kinds.h"
#include "transformer/checkpoint.h"
#include "transformer/metrics.h"
#include "transformer/trainer.h"

namespace saturn {

namespace fs = std::filesystem;

namespace {

enum class EmbedInit { paper, saturn };

struct GrokkingSpec {
  std::uint64_t seed = 1;
  int modulus = 113;
  double train_fraction = 0.3;
  bool bos = false;
  ModelSpec model;
  OptimizerOptions optimizer;
  TrainingSpec training;
  int record_every = 100;
  double grok_accuracy = 0.995, grok_loss = 0.01;
  int stop_after = -1;  // >= 0: end the run this many steps after both thresholds were first met
  EmbedInit embed_init = EmbedInit::paper;
};

GrokkingSpec default_spec() {
  GrokkingSpec s;
  auto& c = s.model.config;
  c.d_model = 128;
  c.n_layers = 1;
  c.n_heads = 4;
  c.d_ff = 512;
  c.activation = Activation::relu;
  c.layer_norm = LayerNormMode::custom;
  c.ln = {AttnLnPlace::none, false, false};
  c.ln_eps = 0.0;
  c.attn_bias = false;
  c.positional = Positional::learned;
  c.causal = false;
  c.head = HeadKind::lm;
  c.readout_scale = 1.0;
  s.optimizer.kind = OptimizerKind::adamw;
  s.optimizer.lr = 1e-3;
  s.optimizer.weight_decay = 1.0;
  s.optimizer.beta1 = 0.9;
  s.optimizer.beta2 = 0.98;
  s.optimizer.eps = 1e-8;
  s.training.steps = 10000;
  s.training.log_every = 100;
  s.training.checkpoint_every = 1000;
  return s;
}

// The model's configuration: tokens 0..P-1, "=", "<bos>"; lm head read at every position.
ModelConfig grokking_config(const GrokkingSpec& s) {
  ModelConfig c = s.model.config;
  c.tokens.clear();
  for (int i = 0; i < s.modulus; ++i) c.tokens.push_back(std::to_string(i));
  c.tokens.push_back("=");
  c.tokens.push_back("<bos>");
  c.vocab = s.modulus + 2;
  c.bos_id = s.modulus + 1;
  c.head = HeadKind::lm;
  c.n_outputs = c.vocab;
  c.max_len = s.bos ? 4 : 3;
  return c;
}

// The name of a layer-norm placement in the paper's notation.
std::string placement_name(const ModelConfig& c) {
  if (c.layer_norm == LayerNormMode::post) return "post";
  if (c.layer_norm == LayerNormMode::none) return "none";
  const LayerNormPlaces p = c.layer_norm == LayerNormMode::pre ? LayerNormPlaces{} : c.ln;
  std::string a;
  switch (p.attn) {
    case AttnLnPlace::none: break;
    case AttnLnPlace::qkv: a = "A*"; break;
    case AttnLnPlace::qk: a = "A^qk"; break;
    case AttnLnPlace::v: a = "A^v"; break;
  }
  std::string name = p.mlp ? (a.empty() ? "M" : "M+" + a) : a;
  if (p.final) name += name.empty() ? "F" : "+F";
  return name.empty() ? "none" : name;
}

// The strings [<bos>] a b = with only the last position counted: target (a + b) mod P.
Batch make_batch(const ModelConfig& c, int modulus, bool bos, const std::vector<std::pair<int, int>>& pairs) {
  Batch b;
  b.offsets.push_back(0);
  for (const auto& [x, y] : pairs) {
    if (bos) b.tokens.push_back(c.bos_id), b.next_tokens.push_back(-1);
    b.tokens.insert(b.tokens.end(), {x, y, modulus});
    b.next_tokens.insert(b.next_tokens.end(), {-1, -1, (x + y) % modulus});
    b.offsets.push_back(static_cast<int>(b.tokens.size()));
  }
  return b;
}

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

// The step of the checkpoint in `dir`, or -1 when there is none.
std::int64_t checkpoint_step(const fs::path& dir) {
  const auto found = find_checkpoint(dir);
  if (!found) return -1;
  std::ifstream in(*found / "state.json");
  const auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.contains("step")) throw Error(fmt::format("{}: unreadable state.json", found->string()));
  return j["step"].get<std::int64_t>();
}

// The records of a trace file, in order (a half-written last line is skipped).
std::vector<nlohmann::json> read_trace(const fs::path& path) {
  std::vector<nlohmann::json> out;
  for (auto& j : read_jsonl(path))
    if (j.contains("step")) out.push_back(std::move(j));
  return out;
}

double value_or_nan(const nlohmann::json& j, const char* split, const char* key) {
  if (!j.contains(split) || !j[split].contains(key) || !j[split][key].is_number()) return std::nan("");
  return j[split][key].get<double>();
}

// The first steps at which the test split met the thresholds, as records arrive.
struct GrokWatch {
  double accuracy, loss;
  std::int64_t acc_step = -1, loss_step = -1;
  void add(const nlohmann::json& r) {
    const auto step = r["step"].get<std::int64_t>();
    if (acc_step < 0 && value_or_nan(r, "test", "accuracy") >= accuracy) acc_step = step;
    if (loss_step < 0 && value_or_nan(r, "test", "loss") <= loss) loss_step = step;
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
    const Batch train_batch = make_batch(config, s_.modulus, s_.bos, split.train);
    const Batch test_batch = make_batch(config, s_.modulus, s_.bos, split.test);
    const std::uint64_t init_seed = s_.training.seed_set ? s_.training.seed : s_.seed;
    Model<float> model(config);
    model.init(init_seed);
    if (s_.embed_init == EmbedInit::paper) {
      Rng rng(init_seed, 0x656d626564ull);  // stream "embed"
      const double sd = 1.0 / std::sqrt(static_cast<double>(config.d_model));
      const auto& spec = model.table.at("embed.weight");
      for (std::size_t j = 0; j < spec.size; ++j) model.params[spec.offset + j] = static_cast<float>(sd * rng.normal());
    }

    TrainOptions o;
    o.steps = s_.training.steps;
    o.optimizer = s_.optimizer;
    o.schedule = s_.training.schedule;
    o.schedule.total = s_.training.steps;
    o.seed = init_seed;
    o.threads = ctx.threads;
    o.log_every = s_.training.log_every;
    o.eval_every = s_.record_every;
    o.checkpoint_every = s_.training.checkpoint_every;
    o.out_dir = ctx.dir;
    if (ctx.progress)
      o.on_progress = [](const Progress& p) { std::fprintf(stderr, "\r%s   ", format_progress(p).c_str()); };

    // The trace keeps the records up to the checkpoint's step; without a step-0 record the
    // run starts over.
    fs::create_directories(ctx.dir);
    const fs::path trace_path = ctx.dir / "grokking.jsonl";
    std::int64_t resumed = checkpoint_step(ctx.dir / "checkpoint");
    if (resumed >= 0) {
      const auto kept = read_trace(trace_path);
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
      for (const auto& r : read_trace(trace_path)) watch.add(r);
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
    if (ctx.progress) std::fprintf(stderr, "\n");

    // Everything below comes from the trace, so a resumed run reports what an uninterrupted one does.
    const auto records = read_trace(trace_path);
    if (records.empty()) throw Error(fmt::format("{}: no records", trace_path.string()));
    std::vector<std::int64_t> steps;
    std::vector<double> test_acc, test_loss, train_acc;
    for (const auto& r : records) {
      steps.push_back(r["step"].get<std::int64_t>());
      test_acc.push_back(value_or_nan(r, "test", "accuracy"));
      test_loss.push_back(value_or_nan(r, "test", "loss"));
      train_acc.push_back(value_or_nan(r, "train", "accuracy"));
    }
    const auto& last = records.back();
    const auto grok_acc = first_step_reaching(steps, test_acc, s_.grok_accuracy, true);
    const auto grok_loss = first_step_reaching(steps, test_loss, s_.grok_loss, false);
    const auto fit_train = first_step_reaching(steps, train_acc, s_.grok_accuracy, true);
    auto step_or_nan = [](std::int64_t s) { return s < 0 ? std::nan("") : static_cast<double>(s); };

    RunOutput out;
    out.rows.push_back({"softmax", "train", train_batch.size(), value_or_nan(last, "train", "accuracy"),
                        value_or_nan(last, "train", "loss")});
    out.rows.push_back({"softmax", "test", test_batch.size(), value_or_nan(last, "test", "accuracy"),
                        value_or_nan(last, "test", "loss")});
    out.scalars = {{"steps_to_grok_accuracy", step_or_nan(grok_acc)},
                   {"steps_to_grok_loss", step_or_nan(grok_loss)},
                   {"grokked_accuracy", grok_acc >= 0 ? 1.0 : 0.0},
                   {"grokked_loss", grok_loss >= 0 ? 1.0 : 0.0},
                   {"steps_to_train_accuracy", step_or_nan(fit_train)},
                   {"final_test_accuracy", value_or_nan(last, "test", "accuracy")},
                   {"final_test_loss", value_or_nan(last, "test", "loss")},
                   {"final_train_accuracy", value_or_nan(last, "train", "accuracy")},
                   {"final_train_loss", value_or_nan(last, "train", "loss")},
                   {"final_effective_rank", value_or_nan(last, "test", "effective_rank")},
                   {"final_stable_rank", value_or_nan(last, "test", "stable_rank")},
                   {"final_effective_rank_train", value_or_nan(last, "train", "effective_rank")},
                   {"final_entropy", value_or_nan(last, "test", "entropy")},
                   {"final_entropy_of_mean", value_or_nan(last, "test", "entropy_of_mean")},
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

std::shared_ptr<const TaskKind> parse_grokking_task(Validator& v, const YAML::Node& node, const std::string& f) {
  if (!v.expect_map(node, f, {"kind", "seed", "data", "model", "optimizer", "training", "record_every", "grok", "init"}))
    return nullptr;
  const std::size_t before = v.problems().size();
  GrokkingSpec s = default_spec();
  if (node["seed"]) v.scalar(node["seed"], f + ".seed", s.seed, "a non-negative integer");
  if (const auto d = node["data"]; d && v.expect_map(d, f + ".data", {"modulus", "train_fraction", "bos"})) {
    if (d["modulus"] && v.scalar(d["modulus"], f + ".data.modulus", s.modulus, "an integer") &&
        (s.modulus < 2 || s.modulus > 4096))
      v.problem(d["modulus"], f + ".data.modulus", "must be between 2 and 4096");
    if (d["train_fraction"] && v.scalar(d["train_fraction"], f + ".data.train_fraction", s.train_fraction, "a number") &&
        !(s.train_fraction > 0 && s.train_fraction < 1))
      v.problem(d["train_fraction"], f + ".data.train_fraction", "must lie strictly between 0 and 1");
    if (d["bos"]) v.scalar(d["bos"], f + ".data.bos", s.bos, "true or false");
  }
  if (const auto m = node["model"]) {
    if (m.IsMap())
      for (const char* fixed : {"head", "readout", "max_len"})
        if (m[fixed])
          v.problem(m[fixed], f + ".model." + fixed,
                    "is fixed by the grokking kind (lm head read at the last position, sequences of 3 tokens)");
    parse_model(v, m, f + ".model", s.model);
    s.model.config.head = HeadKind::lm;
  }
  if (node["optimizer"]) parse_optimizer(v, node["optimizer"], f + ".optimizer", s.optimizer);
  if (const auto t = node["training"]) {
    if (t.IsMap())
      for (const char* unused : {"batch_size", "eval_every", "eval_batch_size"})
        if (t[unused])
          v.problem(t[unused], f + ".training." + unused, "is not used by the grokking kind (full batch; see record_every)");
    parse_training(v, t, f + ".training", s.training);
  }
  if (node["record_every"]) positive(v, node["record_every"], f + ".record_every", s.record_every);
  if (const auto g = node["grok"]; g && v.expect_map(g, f + ".grok", {"accuracy", "loss", "stop_after"})) {
    if (g["stop_after"] && v.scalar(g["stop_after"], f + ".grok.stop_after", s.stop_after, "a whole number of steps") &&
        s.stop_after < 0)
      v.problem(g["stop_after"], f + ".grok.stop_after", "must be >= 0");
    if (g["accuracy"] && v.scalar(g["accuracy"], f + ".grok.accuracy", s.grok_accuracy, "a number") &&
        !(s.grok_accuracy > 0 && s.grok_accuracy <= 1))
      v.problem(g["accuracy"], f + ".grok.accuracy", "must lie in (0, 1]");
    if (g["loss"]) positive(v, g["loss"], f + ".grok.loss", s.grok_loss);
  }
  if (const auto in = node["init"]; in && v.expect_map(in, f + ".init", {"embedding"})) {
    if (in["embedding"])
      parse_choice(v, in["embedding"], f + ".init.embedding", s.embed_init, {{"paper", EmbedInit::paper}, {"saturn", EmbedInit::saturn}});
  }
  if (v.problems().size() != before) return nullptr;
  try {
    grokking_config(s).validate();
  } catch (const Error& e) {
    v.problem(node["model"] ? node["model"] : node, f + ".model", e.what());
    return nullptr;
  }
  return std::make_shared<GrokkingKind>(std::move(s));
}

// --- report ------------------------------------------------------------------------------------

namespace {

std::string fmt_number(double x, int digits = 0) {
  if (!std::isfinite(x)) return "–";
  return fmt::format("{:.{}f}", x, digits);
}

struct GrokRun {
  std::string placement;
  double alpha = 1;
  std::uint64_t seed = 0;
  std::vector<nlohmann::json> trace;
  double grok_acc = std::nan(""), grok_loss = std::nan("");
};

double scalar(const nlohmann::json& summary, const char* name) {
  if (!summary.contains("scalars") || !summary["scalars"].contains(name) || !summary["scalars"][name].is_number())
    return std::nan("");
  return summary["scalars"][name].get<double>();
}

// Mean over runs of a trace quantity at each recorded step (only steps every run has).
Series mean_series(const std::vector<const GrokRun*>& runs, const char* split, const char* key, const std::string& title,
                   bool skip_zero) {
  std::map<std::int64_t, std::pair<double, int>> acc;
  for (const auto* r : runs)
    for (const auto& rec : r->trace) {
      const double v = value_or_nan(rec, split, key);
      if (!std::isfinite(v)) continue;
      auto& [sum, n] = acc[rec["step"].get<std::int64_t>()];
      sum += v;
      ++n;
    }
  Series s{title, {}, {}, "lines"};
  for (const auto& [step, sn] : acc)
    if (sn.second == static_cast<int>(runs.size()) && !(skip_zero && step == 0)) {
      s.x.push_back(static_cast<double>(step));
      s.y.push_back(sn.first / sn.second);
    }
  return s;
}

}  // namespace

std::string report_section_grokking(const std::vector<RunRecord>& records) {
  std::vector<GrokRun> runs;
  std::vector<std::string> placements;
  std::set<double> alphas;
  for (const auto& r : records) {
    GrokRun g;
    const auto res = r.summary.value("result", nlohmann::json::object());
    g.placement = res.value("placement", std::string("?"));
    g.alpha = res.value("readout_scale", 1.0);
    g.seed = r.summary.value("seed", std::uint64_t{0});
    g.trace = read_trace(r.dir / res.value("trace", std::string("grokking.jsonl")));
    g.grok_acc = scalar(r.summary, "steps_to_grok_accuracy");
    g.grok_loss = scalar(r.summary, "steps_to_grok_loss");
    if (std::find(placements.begin(), placements.end(), g.placement) == placements.end()) placements.push_back(g.placement);
    alphas.insert(g.alpha);
    runs.push_back(std::move(g));
  }
  std::string h = "<h2>Grokking: modular addition</h2>\n";
  h += "<p>(a + b) mod P from [a, b, =], full-batch AdamW; steps to grok = the first recorded step with test accuracy "
       "&ge; the threshold (or test loss &le; it), mean over the seeds that reached it, with how many did.</p>\n";
  if (runs.empty()) return h + "<p>No complete runs.</p>\n";
  const double ref_alpha = alphas.count(1.0) ? 1.0 : *alphas.begin();

  // Steps-to-grok tables: placement x alpha.
  for (const bool by_acc : {true, false}) {
    std::vector<std::string> header{"placement"};
    for (double a : alphas) header.push_back(fmt::format("α = {}", a));
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : placements) {
      std::vector<std::string> row{html_escape(p)};
      for (double a : alphas) {
        double sum = 0;
        int n = 0, k = 0;
        for (const auto& r : runs)
          if (r.placement == p && r.alpha == a) {
            ++n;
            const double s = by_acc ? r.grok_acc : r.grok_loss;
            if (std::isfinite(s)) sum += s, ++k;
          }
        row.push_back(n == 0 ? "" : fmt::format("{} ({}/{})", k ? fmt_number(sum / k) : "never", k, n));
      }
      rows.push_back(std::move(row));
    }
    h += by_acc ? "<h3>Steps until test accuracy &ge; threshold</h3>\n" : "<h3>Steps until test loss &le; threshold</h3>\n";
    h += html_table(header, rows);
  }

  // Accuracy vs step, one plot per placement: test accuracy per alpha, train accuracy at the reference alpha.
  h += "<h3>Train and test accuracy</h3>\n";
  for (const auto& p : placements) {
    Plot plot;
    plot.title = "accuracy, " + p;
    plot.xlabel = "step";
    plot.ylabel = "accuracy (mean over seeds)";
    plot.logx = true;
    plot.extra = "set yrange [0:1.02]; set key bottom right";
    for (double a : alphas) {
      std::vector<const GrokRun*> sel;
      for (const auto& r : runs)
        if (r.placement == p && r.alpha == a) sel.push_back(&r);
      if (sel.empty()) continue;
      if (a == ref_alpha) {
        auto tr = mean_series(sel, "train", "accuracy", fmt::format("train α={}", a), true);
        tr.style = "lines dashtype 2";
        plot.series.push_back(std::move(tr));
      }
      plot.series.push_back(mean_series(sel, "test", "accuracy", fmt::format("test α={}", a), true));
    }
    h += html_figure(plot);
  }

  // Attention entropy vs step and effective rank vs test accuracy, at the reference alpha.
  Plot ent;
  ent.title = fmt::format("attention entropy (test, α = {})", ref_alpha);
  ent.xlabel = "step";
  ent.ylabel = "mean head entropy (nats)";
  ent.logx = true;
  Plot rank;
  rank.title = fmt::format("pre-logit feature effective rank vs test accuracy (α = {})", ref_alpha);
  rank.xlabel = "test accuracy";
  rank.ylabel = "effective rank (test features)";
  for (const auto& p : placements) {
    std::vector<const GrokRun*> sel;
    for (const auto& r : runs)
      if (r.placement == p && r.alpha == ref_alpha) sel.push_back(&r);
    if (sel.empty()) continue;
    ent.series.push_back(mean_series(sel, "test", "entropy", p, true));
    Series pts{p, {}, {}, "points"};
    for (const auto* r : sel)
      for (const auto& rec : r->trace) {
        pts.x.push_back(value_or_nan(rec, "test", "accuracy"));
        pts.y.push_back(value_or_nan(rec, "test", "effective_rank"));
      }
    rank.series.push_back(std::move(pts));
  }
  h += "<h3>Attention entropy</h3>\n" + html_figure(ent, "Mean over layers, heads and test queries of each head's entropy;"
                                                           " the maximum is ln 3 = 1.099 for [a, b, =].");
  h += "<h3>Feature compressibility</h3>\n" +
       html_figure(rank, "exp(entropy of the normalised eigenvalues of FᵀF), F = features at the last position, every record of every seed.");
  return h;
}

}  // namespace saturn
