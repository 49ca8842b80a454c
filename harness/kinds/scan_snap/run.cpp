// The scan_snap kind's run (settings: harness/kinds/scan_snap/spec.h).
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
#include <fmt/format.h>

#include <chrono>
#include <cmath>

#include "core/atomic_file.h"
#include "core/parallel.h"
#include "core/streams.h"
#include "harness/kinds/scan_snap/spec.h"
#include "scan_snap/analysis.h"
#include "scan_snap/reparam_model.h"
#include "scan_snap/reparam_training.h"
#include "scan_snap/transformer_variant.h"

namespace saturn {

namespace {

using Variant = ScanSnapSpec::Variant;

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
    const std::uint64_t test_seed = Rng(s_.seed, streams::kScanSnapTest).next();
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

}  // namespace

const ScanSnapSpec* scan_snap_spec(const TaskKind* kind) {
  const auto* k = dynamic_cast<const ScanSnapKind*>(kind);
  return k ? &k->spec() : nullptr;
}

std::shared_ptr<const TaskKind> make_scan_snap_kind(ScanSnapSpec spec) { return std::make_shared<ScanSnapKind>(std::move(spec)); }

}  // namespace saturn
