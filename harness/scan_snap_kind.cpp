// The `scan_snap` kind: Tian et al. 2023's synthetic data, trained with the reparameterised
// 1-layer model (scan_snap/reparam_training.h) or the ordinary 1-layer transformer
// (scan_snap/transformer_variant.h); records each class's attention over its key tokens.
//
// Files in the run folder:
//   trace.json  per recorded step: loss, mean entropy, mean distinct entropy; per class its
//               support tokens (kind, co-occurrence weight) and attention and entropy at every
//               recorded step (written atomically; the run starts over when killed).
//
// Rows: mode "reparam" or "transformer"; bin "train" (the final model on the last training
// batch) and "test" (a fresh sample of test_size sequences from a stream no training batch uses).
// Scalars: see scalars() below and scan_snap/analysis.h.
#include "harness/scan_snap_kind.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>

#include "core/atomic_file.h"
#include "core/parallel.h"
#include "core/rng.h"
#include "harness/task_kinds.h"
#include "scan_snap/analysis.h"
#include "scan_snap/reparam_model.h"
#include "scan_snap/reparam_training.h"
#include "scan_snap/transformer_variant.h"

namespace saturn {

ScanSnapSpec::ScanSnapSpec() {
  data.num_last = 1;
  data.num_next_per_last = 2;
  data.num_common = 10;
  data.num_common_per_last = 0;
  data.num_unique_per_next = 10;
  data.seq_len = 128;
  // The transformer variant: one layer, one head, no positions, no layer norm.
  auto& c = model.config;
  c.d_model = 64;
  c.n_layers = 1;
  c.n_heads = 1;
  c.d_ff = 64;
  c.layer_norm = LayerNormMode::none;
  c.ln = {AttnLnPlace::none, false, false};
  c.positional = Positional::none;
  c.causal = false;
  c.attn_bias = false;
  optimizer.kind = OptimizerKind::sgd;
  optimizer.momentum = momentum;
}

namespace {

using Variant = ScanSnapSpec::Variant;

// Stream of a seed whose first draw seeds the held-out test sample.
constexpr std::uint64_t kTestStream = ~0ull - 1;

// Rounded to 6 significant digits for trace.json (the numbers are for plots).
double round6(double x) { return std::isfinite(x) ? std::stod(fmt::format("{:.6g}", x)) : x; }

nlohmann::ordered_json rounded(const std::vector<double>& v) {
  auto a = nlohmann::ordered_json::array();
  for (double x : v) a.push_back(round6(x));
  return a;
}

class ScanSnapKind final : public TaskKind {
 public:
  explicit ScanSnapKind(ScanSnapSpec s) : s_(std::move(s)) {}
  const char* kind() const override { return "scan_snap"; }
  std::uint64_t seed() const override { return s_.seed; }
  const ScanSnapSpec& spec() const { return s_; }

  RunOutput run(const RunContext& ctx) const override {
    ThreadLimit limit(ctx.threads);
    const auto start = std::chrono::steady_clock::now();
    const scan_snap::Dataset data(s_.data);
    const std::uint64_t test_seed = Rng(s_.seed, kTestStream).next();
    std::vector<scan_snap::Sequence> test(static_cast<std::size_t>(s_.test_size)), last_batch(static_cast<std::size_t>(s_.batch));
    for (std::size_t i = 0; i < test.size(); ++i) test[i] = data.sample(test_seed, i);
    for (std::size_t i = 0; i < last_batch.size(); ++i)
      last_batch[i] = data.sample(s_.seed, static_cast<std::uint64_t>(s_.steps - 1) * last_batch.size() + i);

    RunOutput out;
    const char* mode = s_.variant == Variant::reparam ? "reparam" : "transformer";
    scan_snap::Trace trace;
    std::vector<double> self_attention;
    if (s_.variant == Variant::reparam) {
      scan_snap::TrainOptions o;
      o.steps = s_.steps, o.batch = s_.batch, o.lr_z = s_.lr_z, o.lr_ratio = s_.lr_ratio, o.momentum = s_.momentum;
      o.seed = s_.seed, o.record_every = s_.record_every, o.freeze_tolerance = s_.freeze_tolerance;
      o.zero_init = s_.zero_init, o.weight_by_probability = s_.weighted_attention;
      auto r = scan_snap::train(data, o);
      for (const auto* split : {&last_batch, &test}) {
        scan_snap::Grads scratch(data.vocab());
        int correct = 0;
        const double loss = scan_snap::forward_backward(r.model, *split, scratch, &correct);
        out.rows.push_back({mode, split == &test ? "test" : "train", static_cast<int>(split->size()),
                            static_cast<double>(correct) / static_cast<double>(split->size()), loss});
      }
      out.scalars.emplace_back("z_norm", r.model.z.norm());
      out.scalars.emplace_back("y_norm", r.model.y.norm());
      trace = std::move(r);
    } else {
      scan_snap::TransformerOptions o;
      o.model = s_.model.config;
      o.optimizer = s_.optimizer;
      if (!s_.momentum_set_in_optimizer) o.optimizer.momentum = s_.momentum;
      o.steps = s_.steps, o.batch = s_.batch, o.lr_z = s_.lr_z, o.lr_ratio = s_.lr_ratio, o.seed = s_.seed;
      o.record_every = s_.record_every, o.freeze_tolerance = s_.freeze_tolerance;
      o.weight_by_probability = s_.weighted_attention;
      o.embed_std = s_.embed_std;
      auto r = scan_snap::train_transformer(data, o);
      for (const auto* split : {&last_batch, &test}) {
        const auto st = scan_snap::evaluate_transformer(r.model, *split, s_.batch);
        out.rows.push_back({mode, split == &test ? "test" : "train", st.strings,
                            static_cast<double>(st.correct) / std::max(1, st.strings), st.loss});
      }
      self_attention = r.self_attention;
      out.scalars.emplace_back("final_self_attention", r.self_attention.back());
      trace = std::move(r);
    }
    const auto m = scan_snap::measure_trace(data, trace, s_.freeze_tolerance);
    const std::vector<std::pair<std::string, double>> scalars{
        {"final_entropy", m.final_entropy},
        {"initial_entropy", m.initial_entropy},
        {"final_distinct_entropy", m.final_distinct_entropy},
        {"initial_distinct_entropy", m.initial_distinct_entropy},
        {"freeze_step", m.freeze_step},
        {"entropy_t90", m.entropy_t90},
        {"distinct_freeze_step", m.distinct_freeze_step},
        {"distinct_t90", m.distinct_t90},
        {"final_accuracy", out.rows.back().accuracy},
        {"final_loss", trace.loss.back()},
        {"common_mass_start", m.common_mass_start},
        {"common_mass_end", m.common_mass_end},
        {"distinct_mass_start", m.distinct_mass_start},
        {"distinct_mass_end", m.distinct_mass_end},
        {"top_distinct_mass_end", m.top_distinct_mass_end},
        {"final_attention_spearman", m.final_spearman},
        {"final_attention_kendall", m.final_kendall},
        {"logit_gain_spearman", m.gain_spearman},
        {"drop_order_spearman", m.drop_spearman},
        {"drop_order_kendall", m.drop_kendall},
        {"dropped_fraction", m.dropped_fraction},
    };
    out.scalars.insert(out.scalars.begin(), scalars.begin(), scalars.end());

    // trace.json
    nlohmann::ordered_json tj{{"variant", mode}, {"record_steps", trace.record_steps}, {"loss", rounded(trace.loss)},
                              {"mean_entropy", rounded(trace.mean_entropy)},
                              {"distinct_entropy", rounded(m.distinct_entropy)}};
    if (!self_attention.empty()) tj["self_attention"] = rounded(self_attention);
    tj["classes"] = nlohmann::ordered_json::array();
    for (int c = 0; c < data.num_classes(); ++c) {
      const auto& ct = trace.classes[static_cast<std::size_t>(c)];
      nlohmann::ordered_json cj{{"class", c}, {"query", data.query_token(c)}, {"next", data.next_token(c)},
                                {"tokens", data.support(c)}};
      auto kinds = nlohmann::ordered_json::array();
      for (int t : data.support(c)) kinds.push_back(data.is_common(t) ? "common" : data.is_distinct(t) ? "distinct" : "common_per_last");
      cj["kinds"] = kinds;
      cj["weights"] = rounded(data.probabilities(c));
      cj["entropy"] = rounded(ct.entropy);
      cj["attention"] = nlohmann::ordered_json::array();
      for (const auto& a : ct.attention) cj["attention"].push_back(rounded(a));
      tj["classes"].push_back(std::move(cj));
    }
    write_file_atomic(ctx.dir / "trace.json", tj.dump() + "\n");

    out.details["variant"] = mode;
    out.details["vocab"] = data.vocab();
    out.details["classes"] = data.num_classes();
    out.details["mean_drop_step_by_weight_rank"] = m.mean_drop_step;
    out.details["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
  }

 private:
  ScanSnapSpec s_;
};

template <class T>
void nonnegative(Validator& v, const YAML::Node& n, const std::string& field, T& out) {
  if (v.scalar(n, field, out, "a number") && out < 0) v.problem(n, field, "must be >= 0");
}

void parse_data(Validator& v, const YAML::Node& node, const std::string& f, scan_snap::DataOptions& d) {
  if (!v.expect_map(node, f,
                    {"num_last", "num_next_per_last", "num_common", "num_common_per_last", "num_unique_per_next", "seq_len",
                     "unique_min", "unique_max"}))
    return;
  if (node["num_last"]) positive(v, node["num_last"], f + ".num_last", d.num_last);
  if (node["num_next_per_last"]) positive(v, node["num_next_per_last"], f + ".num_next_per_last", d.num_next_per_last);
  if (node["num_common"]) nonnegative(v, node["num_common"], f + ".num_common", d.num_common);
  if (node["num_common_per_last"]) nonnegative(v, node["num_common_per_last"], f + ".num_common_per_last", d.num_common_per_last);
  if (node["num_unique_per_next"]) nonnegative(v, node["num_unique_per_next"], f + ".num_unique_per_next", d.num_unique_per_next);
  if (node["seq_len"] && v.scalar(node["seq_len"], f + ".seq_len", d.seq_len, "an integer") && d.seq_len < 2)
    v.problem(node["seq_len"], f + ".seq_len", "must be >= 2 (keys and the query)");
  if (node["unique_min"]) positive(v, node["unique_min"], f + ".unique_min", d.unique_min);
  if (node["unique_max"]) positive(v, node["unique_max"], f + ".unique_max", d.unique_max);
  if (d.num_common + d.num_common_per_last + d.num_unique_per_next == 0)
    v.problem(node, f, "every class needs key tokens (num_common + num_common_per_last + num_unique_per_next > 0)");
  if (d.unique_min > d.unique_max)
    v.problem(node["unique_min"] ? node["unique_min"] : node, f + ".unique_min",
              fmt::format("{} is above unique_max = {}", d.unique_min, d.unique_max));
}

void parse_scan_snap_training(Validator& v, const YAML::Node& node, const std::string& f, ScanSnapSpec& s) {
  if (!v.expect_map(node, f,
                    {"steps", "batch", "lr_z", "lr_ratio", "momentum", "record_every", "freeze_tolerance", "init",
                     "attention", "test_size", "embed_std"}))
    return;
  if (node["steps"]) positive(v, node["steps"], f + ".steps", s.steps);
  if (node["batch"]) positive(v, node["batch"], f + ".batch", s.batch);
  if (node["lr_z"]) positive(v, node["lr_z"], f + ".lr_z", s.lr_z);
  if (node["lr_ratio"]) positive(v, node["lr_ratio"], f + ".lr_ratio", s.lr_ratio);
  if (node["momentum"] && v.scalar(node["momentum"], f + ".momentum", s.momentum, "a number") &&
      (s.momentum < 0 || s.momentum >= 1))
    v.problem(node["momentum"], f + ".momentum", "must be in [0, 1)");
  if (node["record_every"]) positive(v, node["record_every"], f + ".record_every", s.record_every);
  if (node["freeze_tolerance"]) positive(v, node["freeze_tolerance"], f + ".freeze_tolerance", s.freeze_tolerance);
  if (node["init"]) parse_choice(v, node["init"], f + ".init", s.zero_init, {{"uniform", false}, {"zero", true}});
  if (node["attention"])
    parse_choice(v, node["attention"], f + ".attention", s.weighted_attention, {{"weighted", true}, {"softmax", false}});
  if (node["test_size"]) positive(v, node["test_size"], f + ".test_size", s.test_size);
  if (node["embed_std"]) positive(v, node["embed_std"], f + ".embed_std", s.embed_std);
}

}  // namespace

const ScanSnapSpec* scan_snap_spec(const TaskKind* kind) {
  const auto* k = dynamic_cast<const ScanSnapKind*>(kind);
  return k ? &k->spec() : nullptr;
}

std::shared_ptr<const TaskKind> parse_scan_snap_task(Validator& v, const YAML::Node& node, const std::string& field) {
  const std::size_t before = v.problems().size();
  if (!v.expect_map(node, field, {"kind", "seed", "variant", "model", "data", "training", "optimizer"})) return nullptr;
  ScanSnapSpec s;
  if (node["seed"]) v.scalar(node["seed"], field + ".seed", s.seed, "a non-negative integer");
  bool variant_set = false;
  if (node["variant"])
    variant_set = parse_choice(v, node["variant"], field + ".variant", s.variant,
                               {{"reparam", Variant::reparam}, {"transformer", Variant::transformer}});
  if (const auto model = node["model"]) {
    if (model.IsScalar()) {
      Variant m = Variant::reparam;
      if (parse_choice(v, model, field + ".model", m, {{"reparam", Variant::reparam}, {"transformer", Variant::transformer}})) {
        if (variant_set && m != s.variant) v.problem(model, field + ".model", "disagrees with `variant`");
        s.variant = m;
      }
    } else {
      if (variant_set && s.variant == Variant::reparam)
        v.problem(model, field + ".model", "a model section is for the transformer variant (variant: transformer)");
      s.variant = Variant::transformer;
      parse_model(v, model, field + ".model", s.model);
      const auto& c = s.model.config;
      if (c.n_layers != 1) v.problem(model, field + ".model.n_layers", "the scan_snap transformer has exactly 1 layer");
      if (c.positional != Positional::none)
        v.problem(model["positional"] ? model["positional"] : model, field + ".model.positional",
                  "the scan_snap transformer has no positions (none)");
      if (s.model.head_set && c.head != HeadKind::lm)
        v.problem(model["head"], field + ".model.head", "the scan_snap transformer predicts with the lm head");
    }
  }
  if (node["data"]) parse_data(v, node["data"], field + ".data", s.data);
  if (node["training"]) parse_scan_snap_training(v, node["training"], field + ".training", s);
  if (const auto opt = node["optimizer"]) {
    if (s.variant != Variant::transformer) {
      v.problem(opt, field + ".optimizer", "only the transformer variant has an optimizer section (reparam: training.lr_z, lr_ratio, momentum)");
    } else {
      parse_optimizer(v, opt, field + ".optimizer", s.optimizer);
      s.momentum_set_in_optimizer = opt.IsMap() && opt["momentum"];
      if (opt.IsMap() && opt["lr"]) v.problem(opt["lr"], field + ".optimizer.lr", "the rate is training.lr_z (and lr_ratio)");
    }
  }
  if (v.problems().size() != before) return nullptr;
  if (s.variant == Variant::transformer) {
    try {
      scan_snap::transformer_config(scan_snap::Dataset(s.data), s.model.config);
    } catch (const Error& e) {
      v.problem(node["model"] ? node["model"] : node, field + ".model", e.what());
      return nullptr;
    }
  }
  return std::make_shared<ScanSnapKind>(std::move(s));
}

}  // namespace saturn
