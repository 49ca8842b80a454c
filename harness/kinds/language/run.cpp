// The `language` kind: train a transformer on a formal-language task, then evaluate it per length
// bin in every mode of `analysis:` (softmax with the training code in float; other modes with the
// double-precision simulator), analyse its heads, verify it exhaustively, fit its norm growth and
// track how often the saturated network already decides like the trained one.
//
// Files in the run folder besides the trainer's (metrics.jsonl, checkpoint/, model/):
//   heads.json       analysis.heads: per layer and head, kind and support-size histogram
//   saturation.jsonl analysis.saturation_every: {step, param_norm, agreement} per evaluation
//   verify.json      analysis.verify_length: per mode, counts and shortest counterexamples
//   robustness.csv   analysis.robustness_power: accuracy per test bin as scaled:RHO / temperature:C grow
//   heads.csv        analysis.head_ablation: accuracy per test bin with one head saturated / softmax
//   score_gaps.csv   analysis.score_gaps: per head, histograms of the gap between row max and the best other score
//   attention.json   analysis.attention_strings: attention weights of a few test strings, softmax and saturated
//   epochs.jsonl     epochs: {epoch, step, accuracy: {mode: {split: accuracy}}} after every pass (softmax
//                    on every split, other modes on the test bins; the last pass on every split)
//   (columns: saturated_transformer/saturation_files.h)
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/atomic_file.h"
#include "core/parallel.h"
#include "harness/kinds/language/bhattamishra_eval.h"
#include "harness/kinds/language/splits.h"
#include "harness/task_kind.h"
#include "harness/power_law_fit.h"
#include "harness/kinds/language/spec.h"
#include "harness/kinds/language/train.h"
#include "languages/registry.h"
#include "saturated_transformer/evaluator.h"
#include "saturated_transformer/head_analysis.h"
#include "saturated_transformer/robustness.h"
#include "saturated_transformer/saturation_files.h"
#include "saturated_transformer/saturation_study.h"
#include "saturated_transformer/score_gaps.h"
#include "saturated_transformer/verifier.h"
#include "transformer/metrics.h"

namespace saturn {

namespace fs = std::filesystem;

namespace {

// Decisions of `ev` on the first n examples (saturated_transformer/saturation_study.h: decide).
std::vector<char> decisions(const Evaluator& ev, const std::vector<Example>& examples, std::size_t n) {
  std::vector<const Word*> words;
  words.reserve(n);
  for (std::size_t i = 0; i < n; ++i) words.push_back(&examples[i].word);
  return decide(ev, words);
}

// Fraction of the first n examples that saturated attention decides like softmax attention.
double saturated_agreement(const ModelWeights& w, const std::vector<Example>& examples, std::size_t n) {
  if (n == 0) return 1.0;
  const auto soft = decisions(Evaluator(w, EvalMode::softmax()), examples, n);
  const auto sat = decisions(Evaluator(w, EvalMode::saturated()), examples, n);
  long same = 0;
  for (std::size_t i = 0; i < n; ++i) same += soft[i] == sat[i];
  return static_cast<double>(same) / static_cast<double>(n);
}

// (step, param_norm) of every metrics line of a run's metrics.jsonl.
std::pair<std::vector<double>, std::vector<double>> norm_trace(const fs::path& metrics) {
  std::vector<double> steps, norms;
  for (const auto& j : read_jsonl(metrics)) {
    if (!j.contains("param_norm")) continue;
    steps.push_back(j["step"].get<double>());
    norms.push_back(j["param_norm"].get<double>());
  }
  return {steps, norms};
}

// Fits y = a t^gamma and records it as scalars NAME_exponent[_low|_high], NAME_fit_r2 and details
// NAME_fit; nothing when fewer than 3 points are positive.
void add_fit(RunOutput& out, const std::string& name, const std::vector<double>& t, const std::vector<double>& y) {
  PowerLawFit fit;
  try {
    fit = fit_power_law(t, y);
  } catch (const Error&) {
    return;
  }
  out.scalars.emplace_back(name + "_exponent", fit.gamma);
  out.scalars.emplace_back(name + "_exponent_low", fit.gamma_low);
  out.scalars.emplace_back(name + "_exponent_high", fit.gamma_high);
  out.scalars.emplace_back(name + "_fit_r2", fit.r2);
  out.details[name + "_fit"] = {{"a", fit.a}, {"gamma", fit.gamma}, {"gamma_low", fit.gamma_low},
                                {"gamma_high", fit.gamma_high}, {"r2", fit.r2}, {"points", fit.points}};
}

// epochs.jsonl: one line per pass over the train split, {epoch, step, accuracy: {mode: {split: a}}},
// rewritten atomically at every pass; a pass evaluated again after a resume replaces its line.
class EpochLog {
 public:
  explicit EpochLog(fs::path path) : path_(std::move(path)) {
    if (fs::exists(path_))
      for (const auto& j : read_jsonl(path_)) lines_[j.at("epoch").get<std::int64_t>()] = nlohmann::ordered_json::parse(j.dump());
  }
  void add(std::int64_t step, std::int64_t epoch, const nlohmann::ordered_json& accuracy) {
    lines_[epoch] = nlohmann::ordered_json{{"epoch", epoch}, {"step", step}, {"accuracy", accuracy}};
    std::string text;
    for (const auto& [_, j] : lines_) text += j.dump() + "\n";
    write_file_atomic(path_, text);
  }
  nlohmann::ordered_json lines() const {
    auto a = nlohmann::ordered_json::array();
    for (const auto& [_, j] : lines_) a.push_back(j);
    return a;
  }
  // "<mode>_<split>" -> (best accuracy, the first epoch that reached it), over the passes that
  // evaluated that mode and split (Bhattamishra et al.'s max_val_acc_bins / best_epoch_bins).
  std::vector<std::pair<std::string, std::pair<double, double>>> best() const {
    std::vector<std::pair<std::string, std::pair<double, double>>> out;
    for (const auto& [epoch, j] : lines_)
      for (const auto& mode : j.at("accuracy").items())
        for (const auto& split : mode.value().items()) {
          const std::string key = mode.key() + "_" + split.key();
          const double acc = split.value().get<double>();
          auto it = std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.first == key; });
          if (it == out.end()) out.push_back({key, {acc, static_cast<double>(epoch)}});
          else if (acc > it->second.first) it->second = {acc, static_cast<double>(epoch)};
        }
    return out;
  }

 private:
  fs::path path_;
  std::map<std::int64_t, nlohmann::ordered_json> lines_;
};

class LanguageKind final : public TaskKind {
 public:
  explicit LanguageKind(TaskSpec t) : t_(std::move(t)) {}
  const TaskSpec& spec() const { return t_; }
  const char* kind() const override { return "language"; }
  std::uint64_t seed() const override { return t_.seed; }

  RunOutput run(const RunContext& ctx) const override {
    const auto& a = t_.analysis;
    // The probe: the first test bin (the train split when there is none).
    auto probe_of = [](const std::vector<Split>& splits) -> const Split& { return splits.size() > 1 ? splits[1] : splits[0]; };
    auto probe_size = [&](const Split& probe) {
      return std::min<std::size_t>(probe.examples.size(), static_cast<std::size_t>(a.saturation_strings));
    };

    // Training, with the saturation agreement at every evaluation, and with `epochs` every pass's
    // accuracies (kept in epochs.jsonl as they come, so a resumed run still has the earlier passes).
    nlohmann::ordered_json sat_trace = nlohmann::ordered_json::array();
    EpochLog epoch_log(ctx.dir / "epochs.jsonl");
    TrainTaskOptions to{ctx.dir, ctx.threads, ctx.progress, -1, nullptr};
    if (a.saturation_every > 0) to.eval_every = a.saturation_every;
    if (a.saturation_every > 0 || t_.epochs > 0)
      to.on_eval = [&](std::int64_t step, const Model<float>& m, const std::vector<Split>& splits,
                       const std::vector<EvalScore>& scores) {
        if (a.saturation_every > 0) {
          const Split& probe = probe_of(splits);
          sat_trace.push_back(agreement_point(step, m, probe, probe_size(probe), scores));
        }
        if (t_.epochs > 0) record_epoch(epoch_log, step, m, splits, scores);
      };
    const TrainedTask trained = train_task(t_, to);
    const auto& lang = trained.language;
    const auto& splits = trained.splits;
    const Split& probe = probe_of(splits);
    const std::size_t n_probe = probe_size(probe);
    const ModelWeights weights = to_weights(trained.model.config, trained.model.table, trained.model.params.data());

    RunOutput out;
    // softmax: the training code's own evaluation (float), with its loss (evals are in split order).
    for (const auto& e : trained.training.evals) out.rows.push_back({"softmax", e.name, e.strings, e.accuracy, e.loss});
    // Other modes: the simulator's decisions against the oracle labels (mode_accuracy).
    for (const auto& mode : a.modes) {
      if (mode == "softmax") continue;
      for (const auto& split : splits)
        out.rows.push_back({mode, split.name, static_cast<int>(split.examples.size()),
                            mode_accuracy(weights, mode, *lang, split), std::numeric_limits<double>::quiet_NaN()});
    }
    if (t_.epochs > 0) {  // the last pass (rows above), then the best pass per mode and split
      nlohmann::ordered_json last;
      for (const auto& r : out.rows) last[r.mode][r.bin] = r.accuracy;
      epoch_log.add(trained.training.steps_done, t_.epochs, last);
      for (const auto& [key, best] : epoch_log.best()) {
        out.scalars.emplace_back("best_" + key, best.first);
        out.scalars.emplace_back("best_epoch_" + key, best.second);
      }
      out.details["epochs"] = epoch_log.lines();
    }
    out.scalars.emplace_back("final_loss", trained.training.final_loss);

    // Norm growth: norm(t) = a t^gamma over the logged steps, and the growth since initialisation
    // norm(t) - norm(0) = b t^delta (with a large initial norm, gamma alone says little).
    const auto [steps, norms] = norm_trace(ctx.dir / "metrics.jsonl");
    const double norm0 = initial_norm(weights.config);
    out.scalars.emplace_back("initial_param_norm", norm0);
    if (!norms.empty()) out.scalars.emplace_back("param_norm", norms.back());
    std::vector<double> growth;
    for (double n : norms) growth.push_back(n - norm0);
    add_fit(out, "norm", steps, norms);
    add_fit(out, "norm_growth", steps, growth);
    if (a.saturation_every > 0) {
      std::string lines;
      for (const auto& p : sat_trace) lines += p.dump() + "\n";
      write_file_atomic(ctx.dir / "saturation.jsonl", lines);
      if (!sat_trace.empty()) out.scalars.emplace_back("saturation_agreement_last_eval", sat_trace.back()["agreement"].get<double>());
    }
    // Final agreement of saturated with the trained (softmax) decisions.
    out.scalars.emplace_back("saturation_agreement", saturated_agreement(weights, probe.examples, n_probe));

    if (a.study_power > 0) {
      // Where decisions stop changing as temperature / scale grow, and the cosine saturation score.
      std::vector<LabelledSet> sets;
      for (const auto& split : splits) {
        LabelledSet set{split.name, {}, {}, split.lengths.lo, split.lengths.hi};
        for (std::size_t i = 0; i < std::min(split.examples.size(), n_probe); ++i)
          set.words.push_back(split.examples[i].word), set.members.push_back(split.examples[i].member);
        sets.push_back(std::move(set));
      }
      SaturationOptions so;
      so.max_power = a.study_power;
      const auto study = saturation_study(weights, lang->alphabet(), sets, so);
      nlohmann::ordered_json sj;
      for (const auto& c : study.curves) {
        sj[c.family] = {{"values", c.values}, {"agreement", c.agreement}, {"stable_from", c.stable_from},
                        {"disagreement_example", c.disagreement_example}};
        out.scalars.emplace_back(c.family + "_stable_from", c.stable_from);
        out.scalars.emplace_back(c.family + "_agreement_at_max", c.agreement.empty() ? 0.0 : c.agreement.back());
      }
      sj["saturation_by_layer"] = study.saturation_by_layer;
      for (std::size_t l = 0; l < study.saturation_by_layer.size(); ++l)
        out.scalars.emplace_back(fmt::format("saturation_score_layer{}", l), study.saturation_by_layer[l]);
      write_file_atomic(ctx.dir / "saturation_study.json", sj.dump(1) + "\n");
      out.details["saturation_study"] = sj;
    }

    saturation_robustness(ctx, weights, *lang, splits, n_probe, out);

    if (a.heads) {
      std::vector<Word> words;
      for (std::size_t i = 0; i < n_probe; ++i) words.push_back(probe.examples[i].word);
      nlohmann::ordered_json heads = nlohmann::ordered_json::array();
      for (const auto& h : analyse_heads(weights, words))
        heads.push_back({{"layer", h.layer}, {"head", h.head}, {"kind", h.kind}, {"mean_support", h.mean_support},
                         {"split_probability", h.split_probability}, {"mean_entropy", h.mean_entropy},
                         {"support_histogram", h.support_histogram}});
      write_file_atomic(ctx.dir / "heads.json", heads.dump(1) + "\n");
      out.details["heads"] = heads;
    }

    if (a.verify_length > 0) {
      const int max_length = max_length_within(static_cast<int>(lang->alphabet().size()), a.verify_budget,
                                               std::min(a.verify_length, weights.config.max_len - 1));
      nlohmann::ordered_json vj = nlohmann::ordered_json::object();
      for (const auto& mode : a.modes) {
        VerifyOptions vo;
        vo.max_length = max_length;
        vo.min_length = std::min(t_.train.lengths.lo, max_length);
        vo.mode = EvalMode::parse(mode);
        vo.max_strings = a.verify_budget;  // max_length_within kept every word up to max_length within it
        const auto r = verify(weights, *lang, vo);
        const auto* ce = shortest_counterexample(r.exhaustive);
        vj[mode] = {{"max_length", max_length}, {"checked", r.exhaustive.checked},
                    {"false_accepts", r.exhaustive.false_accepts}, {"false_rejects", r.exhaustive.false_rejects},
                    {"counterexample", ce ? (ce->word.empty() ? "ε" : ce->word) : ""}};
        out.scalars.emplace_back("exact_" + mode, r.exact() ? 1.0 : 0.0);
        out.scalars.emplace_back("verified_length", max_length);
      }
      write_file_atomic(ctx.dir / "verify.json", vj.dump(1) + "\n");
      out.details["verify"] = vj;
    }
    const auto summary = training_summary(t_, trained, ctx.threads);
    out.details["training"] = {{"steps", summary["steps"]}, {"seconds", summary["seconds"]},
                               {"examples_per_second", summary["examples_per_second"]},
                               {"parameters", summary["parameters"]}, {"model", summary["model"]}};
    return out;
  }

 private:
  // analysis.robustness_power / head_ablation / score_gaps / attention_strings: the tidy files and
  // their scalars (critical scales, breaking and near-uniform heads) on the first n strings of
  // every test bin.
  void saturation_robustness(const RunContext& ctx, const ModelWeights& weights, const Language& lang,
                             const std::vector<Split>& splits, std::size_t n, RunOutput& out) const {
    const auto& a = t_.analysis;
    std::vector<LabelledSet> sets;
    for (std::size_t s = splits.size() > 1 ? 1 : 0; s < splits.size(); ++s) {
      LabelledSet set{splits[s].name, {}, {}, splits[s].lengths.lo, splits[s].lengths.hi};
      for (std::size_t i = 0; i < std::min(splits[s].examples.size(), n); ++i)
        set.words.push_back(splits[s].examples[i].word), set.members.push_back(splits[s].examples[i].member);
      sets.push_back(std::move(set));
    }
    auto say = [&](std::string_view line) {
      if (ctx.progress) fmt::print(stderr, "{}: {}\n", t_.name, line);
    };
    if (a.robustness_power > 0 || a.head_ablation) {
      RobustnessOptions ro;
      ro.max_power = a.robustness_power;
      if (a.robustness_power == 0) ro.families.clear();
      ro.heads = a.head_ablation;
      ro.max_per_set = n;
      ro.progress = say;
      const auto r = robustness_study(weights, sets, ro);
      if (a.robustness_power > 0) {
        write_file_atomic(ctx.dir / "robustness.csv", robustness_csv(r));
        for (const auto& c : r.curves) out.scalars.emplace_back("critical_scale_" + c.family, c.critical_scale);
      }
      if (a.head_ablation) {
        write_file_atomic(ctx.dir / "heads.csv", heads_csv(r));
        double breaking = 0;
        for (const auto& h : r.heads) breaking += h.breaks;
        out.scalars.emplace_back("heads_breaking", breaking);
      }
      out.details["robustness"] = robustness_json(r);
    }
    std::vector<Word> words;
    for (std::size_t i = 0; !sets.empty() && i < sets[0].words.size(); ++i) words.push_back(sets[0].words[i]);
    if (a.score_gaps) {
      const ScoreGapOptions go;
      const auto gaps = score_gaps(weights, words, go);
      write_file_atomic(ctx.dir / "score_gaps.csv", score_gaps_csv(gaps, go));
      double near_uniform = 0;
      for (const auto& g : gaps) near_uniform += g.diagnosis == "near-uniform";
      out.scalars.emplace_back("heads_near_uniform", near_uniform);
      out.details["score_gaps"] = score_gaps_json(gaps);
      say(fmt::format("score gaps: {} near-uniform counting head(s)", near_uniform));
    }
    if (a.attention_strings > 0) {
      // The shortest test strings (first ones on ties): a readable picture.
      std::vector<Word> shown = words;
      std::stable_sort(shown.begin(), shown.end(), [](const Word& x, const Word& y) { return x.size() < y.size(); });
      shown.resize(std::min(shown.size(), static_cast<std::size_t>(a.attention_strings)));
      write_file_atomic(ctx.dir / "attention.json",
                        attention_json(weights, lang.alphabet(), shown, {EvalMode::softmax(), EvalMode::saturated()}).dump() + "\n");
    }
  }

  // Accuracy of a split in a mode by the simulator: with a target convention of Bhattamishra et al.
  // every output at every position right (bhattamishra_eval.h), otherwise the acceptance rule's
  // decisions against the oracle labels.
  double mode_accuracy(const ModelWeights& w, const std::string& mode, const Language& lang, const Split& split) const {
    if (t_.targets != TargetConvention::next_symbols) return all_outputs_accuracy(w, EvalMode::parse(mode), lang, t_.targets, split);
    const auto d = decisions(Evaluator(w, EvalMode::parse(mode)), split.examples, split.examples.size());
    long correct = 0;
    for (std::size_t i = 0; i < d.size(); ++i) correct += (d[i] != 0) == split.examples[i].member;
    return d.empty() ? 0.0 : static_cast<double>(correct) / static_cast<double>(d.size());
  }

  // One pass's line of epochs.jsonl, after a periodic evaluation at a pass boundary: softmax from the
  // training code's scores (every split), the other modes of analysis.modes on the test bins.
  void record_epoch(EpochLog& log, std::int64_t step, const Model<float>& m, const std::vector<Split>& splits,
                    const std::vector<EvalScore>& scores) const {
    const std::int64_t per_epoch = training_steps(t_, splits.front().examples.size()) / t_.epochs;
    if (per_epoch <= 0 || step % per_epoch != 0) return;
    nlohmann::ordered_json acc;
    for (const auto& s : scores) acc["softmax"][s.name] = s.accuracy;
    const ModelWeights w = to_weights(m.config, m.table, m.params.data());
    const LanguagePtr lang = make_language(t_.language);
    for (const auto& mode : t_.analysis.modes)
      if (mode != "softmax")
        for (std::size_t i = 1; i < splits.size(); ++i) acc[mode][splits[i].name] = mode_accuracy(w, mode, *lang, splits[i]);
    log.add(step, step / per_epoch, acc);
  }

  nlohmann::ordered_json agreement_point(std::int64_t step, const Model<float>& m, const Split& probe, std::size_t n,
                                         const std::vector<EvalScore>& scores) const {
    double norm = 0;
    group_norms(m.table, m.params.data(), &norm);
    nlohmann::ordered_json j{{"step", step}, {"param_norm", norm},
                             {"agreement", saturated_agreement(to_weights(m.config, m.table, m.params.data()), probe.examples, n)}};
    for (const auto& s : scores) j["accuracy"][s.name] = s.accuracy;
    return j;
  }

  // The parameter norm of the model as initialised (the trainer logs from the first step on).
  double initial_norm(const ModelConfig& config) const {
    Model<float> m(config);
    m.init(t_.training.seed);
    double norm = 0;
    group_norms(m.table, m.params.data(), &norm);
    return norm;
  }

  TaskSpec t_;
};

}  // namespace

std::shared_ptr<const TaskKind> make_language_kind(const TaskSpec& task) { return std::make_shared<LanguageKind>(task); }

const TaskSpec* language_spec(const TaskKind* kind) {
  const auto* k = dynamic_cast<const LanguageKind*>(kind);
  return k ? &k->spec() : nullptr;
}

}  // namespace saturn
