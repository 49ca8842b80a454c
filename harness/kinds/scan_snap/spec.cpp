// The scan_snap kind's settings: defaults (Fig. 6 of the paper) and the parser of a task's node.
#include "harness/kinds/scan_snap/spec.h"

#include <fmt/format.h>

#include "harness/yaml_validator.h"
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

constexpr const char* kTaskKeys[] = {"kind", "seed", "variant", "model", "data", "training", "optimizer"};
constexpr const char* kDataKeys[] = {"num_last",           "num_next_per_last", "num_common", "num_common_per_last",
                                     "num_unique_per_next", "seq_len",          "unique_min", "unique_max"};
constexpr const char* kScanSnapTrainingKeys[] = {"steps",  "batch",     "lr_z",      "lr_ratio", "momentum", "record_every",
                                         "freeze_tolerance", "init", "attention", "test_size", "embed_std"};

template <class T>
void nonnegative(Validator& v, const YAML::Node& n, const std::string& field, T& out) {
  if (v.scalar(n, field, out, "a number") && out < 0) v.problem(n, field, "must be >= 0");
}

void parse_data(Validator& v, const YAML::Node& node, const std::string& f, scan_snap::DataOptions& d) {
  if (!v.expect_map(node, f, kDataKeys)) return;
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
  if (!v.expect_map(node, f, kScanSnapTrainingKeys)) return;
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

bool scan_snap_has_key(const YAML::Node& node, const std::vector<std::string>& key) {
  if (key.empty() || !is_one_of(key[0], kTaskKeys) || key[0] == "kind") return false;
  const std::span<const std::string> rest(key.begin() + 1, key.end());
  if (key[0] == "model" || key[0] == "optimizer") {
    // As the parser decides the variant: `variant: transformer`, or a `model:` map or name.
    const YAML::Node variant = node.IsMap() ? node["variant"] : YAML::Node();
    const YAML::Node model = node.IsMap() ? node["model"] : YAML::Node();
    const bool transformer = (variant && variant.IsScalar() && variant.Scalar() == "transformer") ||
                             (model && (model.IsMap() || (model.IsScalar() && model.Scalar() == "transformer")));
    if (!transformer) return false;
    if (key[0] == "model") return model_has_key(rest);
    return optimizer_has_key(rest) && (rest.empty() || rest[0] != "lr");
  }
  if (rest.empty()) return true;
  if (rest.size() != 1) return false;
  if (key[0] == "data") return is_one_of(rest[0], kDataKeys);
  if (key[0] == "training") return is_one_of(rest[0], kScanSnapTrainingKeys);
  return false;
}

std::shared_ptr<const TaskKind> parse_scan_snap_task(Validator& v, const YAML::Node& node, const std::string& field) {
  const std::size_t before = v.problems().size();
  if (!v.expect_map(node, field, kTaskKeys)) return nullptr;
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
  return make_scan_snap_kind(std::move(s));
}

}  // namespace saturn
