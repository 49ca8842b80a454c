// The exhaustive verifier (saturated_transformer/verifier.h) and the saturation analyses
// (saturation_study.h, head_analysis.h), returning plain dicts and lists.
#include <fmt/format.h>

#include "common.h"
#include "core/error.h"
#include "saturated_transformer/head_analysis.h"
#include "saturated_transformer/robustness.h"
#include "saturated_transformer/score_gaps.h"
#include "saturated_transformer/saturation_study.h"
#include "saturated_transformer/verifier.h"

namespace saturn::python {

namespace {

py::dict counts_dict(const VerifyCounts& c) {
  auto examples = [](const std::vector<Counterexample>& v) {
    py::list out;
    for (const auto& e : v) out.append(e.word);
    return out;
  };
  py::dict d;
  d["checked"] = c.checked;
  d["false_accepts"] = c.false_accepts;
  d["false_rejects"] = c.false_rejects;
  d["errors"] = c.errors();
  d["accuracy"] = c.accuracy();
  d["false_accept_examples"] = examples(c.false_accept_examples);
  d["false_reject_examples"] = examples(c.false_reject_examples);
  return d;
}

py::dict verify_model(const PyModel& model, const py::handle& language, int max_length, const std::string& mode,
                      int min_length, int long_samples, const py::object& long_length, std::uint64_t seed,
                      int max_counterexamples, std::uint64_t max_strings) {
  const auto lang = language_arg(language);
  VerifyOptions o;
  o.max_length = max_length;
  o.min_length = min_length;
  o.mode = EvalMode::parse(mode);
  o.long_samples = long_samples;
  if (!long_length.is_none()) {
    const auto range = long_length.cast<std::pair<int, int>>();
    o.long_min = range.first;
    o.long_max = range.second;
  } else if (long_samples > 0) {
    throw Error("verify: long_samples needs long_length=(lo, hi)");
  }
  o.seed = seed;
  o.max_counterexamples = max_counterexamples;
  o.max_strings = max_strings;
  const auto weights = model.weights();
  VerifyReport r;
  {
    py::gil_scoped_release release;
    r = verify(weights, *lang, o);
  }
  py::dict d;
  d["language"] = lang->spec();
  d["mode"] = o.mode.str();
  d["max_length"] = max_length;
  d["exact"] = r.exact();
  d["exhaustive"] = counts_dict(r.exhaustive);
  d["sampled"] = counts_dict(r.sampled);
  d["seconds"] = r.seconds;
  d["strings_per_second"] = r.strings_per_second();
  return d;
}

// Sets as (name, strings, labels) triples (saturn/__init__.py turns Splits and dicts into them).
std::vector<LabelledSet> labelled_sets(const Tokenizer& tok,
                                       const std::vector<std::tuple<std::string, std::vector<std::string>, std::vector<bool>>>& sets) {
  std::vector<LabelledSet> out;
  for (const auto& [name, strings, labels] : sets) {
    if (strings.size() != labels.size())
      throw Error(fmt::format("set '{}': {} strings but {} labels", name, strings.size(), labels.size()));
    out.push_back({name, tok.words(strings), labels});
  }
  return out;
}

py::dict study(const PyModel& model,
               const std::vector<std::tuple<std::string, std::vector<std::string>, std::vector<bool>>>& sets,
               const std::vector<std::string>& modes, int max_power, double saturation_scale, std::size_t max_inputs) {
  const auto weights = model.weights();
  const auto tok = Tokenizer::of_config(weights.config);
  SaturationOptions o;
  o.modes.clear();
  for (const auto& m : modes) o.modes.push_back(EvalMode::parse(m));
  o.max_power = max_power;
  o.saturation_scale = saturation_scale;
  o.max_inputs = max_inputs;
  const auto labelled = labelled_sets(tok, sets);
  SaturationReport r;
  {
    py::gil_scoped_release release;
    r = saturation_study(weights, tok.alphabet, labelled, o);
  }
  py::dict d;
  d["sets"] = r.sets;
  py::dict accuracy;
  for (const auto& a : r.accuracy) accuracy[py::str(a.mode)] = a.accuracy;
  d["accuracy"] = accuracy;
  py::list curves;
  for (const auto& c : r.curves) {
    py::dict cd;
    cd["family"] = c.family;
    cd["values"] = c.values;
    cd["agreement"] = c.agreement;
    cd["stable_from"] = c.stable_from;
    cd["disagreement_example"] = c.disagreement_example;
    curves.append(cd);
  }
  d["curves"] = curves;
  d["saturation_by_layer"] = r.saturation_by_layer;
  return d;
}

py::list heads(const PyModel& model, const std::vector<std::string>& strings, const std::string& support_mode,
               double threshold, int local_max) {
  const auto weights = model.weights();
  const auto words = Tokenizer::of_config(weights.config).words(strings);
  HeadAnalysisOptions o;
  o.support_mode = EvalMode::parse(support_mode);
  o.threshold = threshold;
  o.local_max = local_max;
  std::vector<HeadStats> stats;
  {
    py::gil_scoped_release release;
    stats = analyse_heads(weights, words, o);
  }
  py::list out;
  for (const auto& h : stats) {
    py::dict d;
    d["layer"] = h.layer;
    d["head"] = h.head;
    d["kind"] = h.kind;
    d["mean_support"] = h.mean_support;
    d["split_probability"] = h.split_probability;
    d["std_support"] = h.std_support;
    d["support_length_correlation"] = h.support_length_correlation;
    d["mean_entropy"] = h.mean_entropy;
    d["support_histogram"] = h.support_histogram;
    d["mean_support_by_visible"] = h.mean_support_by_visible;
    out.append(d);
  }
  return out;
}

py::dict robustness(const PyModel& model,
                    const std::vector<std::tuple<std::string, std::vector<std::string>, std::vector<bool>>>& sets,
                    int max_power, const std::vector<std::string>& families, bool with_heads, const std::string& saturated,
                    double threshold, std::size_t max_per_set) {
  const auto weights = model.weights();
  RobustnessOptions o;
  o.max_power = max_power;
  o.families = families;
  o.heads = with_heads;
  o.saturated = EvalMode::parse(saturated);
  o.threshold = threshold;
  o.max_per_set = max_per_set;
  const auto labelled = labelled_sets(Tokenizer::of_config(weights.config), sets);
  RobustnessReport r;
  {
    py::gil_scoped_release release;
    r = robustness_study(weights, labelled, o);
  }
  py::dict d;
  d["sets"] = r.sets;
  d["sizes"] = r.sizes;
  d["softmax"] = r.softmax;
  d["saturated"] = r.saturated;
  d["softmax_pooled"] = r.softmax_pooled;
  d["saturated_pooled"] = r.saturated_pooled;
  d["chance"] = r.chance;
  d["threshold"] = r.threshold;
  py::list curves, heads;
  for (const auto& c : r.curves)
    curves.append(py::dict(py::arg("family") = c.family, py::arg("scales") = c.scales, py::arg("accuracy") = c.accuracy,
                           py::arg("pooled") = c.pooled, py::arg("critical_scale") = c.critical_scale));
  for (const auto& h : r.heads)
    heads.append(py::dict(py::arg("layer") = h.layer, py::arg("head") = h.head, py::arg("saturate_one") = h.saturate_one,
                          py::arg("softmax_one") = h.softmax_one, py::arg("saturate_one_pooled") = h.saturate_one_pooled,
                          py::arg("softmax_one_pooled") = h.softmax_one_pooled, py::arg("breaks") = h.breaks));
  d["curves"] = curves;
  d["heads"] = heads;
  return d;
}

py::list gaps(const PyModel& model, const std::vector<std::string>& strings) {
  const auto weights = model.weights();
  const auto words = Tokenizer::of_config(weights.config).words(strings);
  std::vector<HeadScoreGaps> g;
  {
    py::gil_scoped_release release;
    g = score_gaps(weights, words);
  }
  py::list out;
  for (const auto& h : g)
    out.append(py::dict(py::arg("layer") = h.layer, py::arg("head") = h.head, py::arg("diagnosis") = h.diagnosis,
                        py::arg("median_same") = h.median_same, py::arg("median_different") = h.median_different,
                        py::arg("n_same") = h.n_same, py::arg("n_different") = h.n_different,
                        py::arg("normalised_entropy") = h.normalised_entropy, py::arg("same") = h.same,
                        py::arg("different") = h.different, py::arg("description") = describe(h)));
  return out;
}

}  // namespace

void bind_analyses(py::module_& m) {
  m.def("_verify", &verify_model, py::arg("model"), py::arg("language"), py::arg("max_length"),
        py::arg("mode") = "saturated", py::arg("min_length") = 0, py::arg("long_samples") = 0,
        py::arg("long_length") = py::none(), py::arg("seed") = 1, py::arg("max_counterexamples") = 5,
        py::arg("max_strings") = kDefaultVerifyMaxStrings);
  m.def("_saturation_study", &study, py::arg("model"), py::arg("sets"),
        py::arg("modes") = std::vector<std::string>{"softmax", "saturated", "hard"}, py::arg("max_power") = 20,
        py::arg("saturation_scale") = 1000.0, py::arg("max_inputs") = 2000);
  m.def("_analyse_heads", &heads, py::arg("model"), py::arg("strings"), py::arg("support_mode") = "scaled:1000",
        py::arg("threshold") = 1e-5, py::arg("local_max") = 2);
  m.def("_robustness_study", &robustness, py::arg("model"), py::arg("sets"), py::arg("max_power") = 20,
        py::arg("families") = std::vector<std::string>{"scaled", "temperature"}, py::arg("heads") = true,
        py::arg("saturated") = "saturated", py::arg("threshold") = -1.0, py::arg("max_per_set") = 500);
  m.def("_score_gaps", &gaps, py::arg("model"), py::arg("strings"));
}

}  // namespace saturn::python
