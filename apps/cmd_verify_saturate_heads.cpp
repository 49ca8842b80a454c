// Saturated-attention simulator commands: verify, saturate, heads, constructions.
#include <algorithm>
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "apps/commands.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/parallel.h"
#include "harness/kinds/language/splits.h"
#include "harness/kinds/language/spec.h"
#include "harness/length_range.h"
#include "harness/progress.h"
#include "harness/task_file.h"
#include "languages/registry.h"
#include "saturated_transformer/constructions.h"
#include "saturated_transformer/head_analysis.h"
#include "saturated_transformer/robustness.h"
#include "saturated_transformer/saturation_files.h"
#include "saturated_transformer/saturation_study.h"
#include "saturated_transformer/score_gaps.h"
#include "saturated_transformer/verifier.h"

namespace saturn::cli {

namespace {

nlohmann::json counts_json(const VerifyCounts& c) {
  auto list = [](const std::vector<Counterexample>& v) {
    std::vector<std::string> out;
    for (const auto& x : v) out.push_back(x.word);
    return out;
  };
  return {{"checked", c.checked},         {"accuracy", c.accuracy()},
          {"false_accepts", c.false_accepts}, {"false_rejects", c.false_rejects},
          {"shortest_false_accepts", list(c.false_accept_examples)},
          {"shortest_false_rejects", list(c.false_reject_examples)}};
}

void print_counts(const char* what, const VerifyCounts& c) {
  fmt::print("{}: {} strings, accuracy {:.6f}, {} false accepts, {} false rejects\n", what, c.checked, c.accuracy(),
             c.false_accepts, c.false_rejects);
  auto show = [](const char* kind, const std::vector<Counterexample>& v) {
    if (v.empty()) return;
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + (x.word.empty() ? std::string("ε") : x.word);
    fmt::print("  shortest {}: {}\n", kind, s);
  };
  show("false accepts", c.false_accept_examples);
  show("false rejects", c.false_reject_examples);
}

constexpr double kVerifyProgressAbove = 2.0;  // verify prints progress when estimated to take longer (s)

// "0.42 s", "3 min 20 s", "2 h 05 min".
std::string format_seconds(double s) {
  if (s < 60) return fmt::format("{:.2g} s", s);
  const auto total = static_cast<long long>(s + 0.5);
  if (total < 3600) return fmt::format("{} min {:02} s", total / 60, total % 60);
  return fmt::format("{} h {:02} min", total / 3600, total % 3600 / 60);
}

struct VerifyArgs {
  std::string model, language, mode = "saturated", long_length, json_out;
  int max_length = 10, min_length = 0, long_samples = 0, threads = 0;
  std::uint64_t seed = 1;
  std::uint64_t max_strings = kDefaultVerifyMaxStrings;
};

int run_verify(const VerifyArgs& a) {
  ThreadLimit limit(a.threads);
  const auto weights = load_model_for_strings(a.model);
  const auto lang = make_language(a.language);
  check_model_alphabet(weights, lang->alphabet(), lang->spec(), a.model);
  VerifyOptions o;
  o.max_length = a.max_length;
  o.min_length = a.min_length;
  o.mode = EvalMode::parse(a.mode);
  o.long_samples = a.long_samples;
  o.seed = a.seed;
  o.max_strings = a.max_strings;
  if (a.long_samples > 0) {
    if (a.long_length.empty()) throw Error("verify: --long-samples needs --long-length A..B");
    const auto r = parse_length_range(a.long_length);
    o.long_min = r.lo;
    o.long_max = r.hi;
  }
  check_verify_budget(*lang, o);  // too many strings is bad input: exit 2, before anything runs
  inputs_checked();
  // The cost, from a timed sample, before starting; progress lines for runs longer than a few seconds.
  const auto est = estimate_verify(weights, *lang, o);
  fmt::print(stderr, "verify: {} strings up to length {} ({} {}), estimated {} on {} thread{}\n", est.strings,
             a.max_length, est.evaluated, est.trie ? "trie nodes" : "evaluations", format_seconds(est.seconds),
             est.threads, est.threads == 1 ? "" : "s");
  const bool terminal = isatty(fileno(stderr)) != 0;
  if (est.seconds > kVerifyProgressAbove) {
    o.progress_seconds = terminal ? 0.5 : std::clamp(est.seconds / 20, 1.0, 60.0);
    o.on_progress = [terminal](const VerifyProgress& p) {
      const auto line = fmt::format("verify: {}/{} strings ({:.1f}%), {} elapsed, ETA {}", p.done, p.total,
                                    100.0 * static_cast<double>(p.done) / static_cast<double>(std::max<std::uint64_t>(p.total, 1)),
                                    format_seconds(p.seconds), format_seconds(p.eta_seconds));
      if (terminal) fmt::print(stderr, "\r{}   ", line);
      else fmt::print(stderr, "{}\n", line);
    };
  }
  const auto r = verify(weights, *lang, o);
  if (o.on_progress) end_progress_on_stderr();
  fmt::print("{} in {} mode against {} (every string up to length {})\n", a.model, o.mode.str(), lang->spec(), a.max_length);
  print_counts("exhaustive", r.exhaustive);
  fmt::print("  {:.0f} strings/s ({:.2f} s)\n", r.strings_per_second(), r.seconds);
  if (a.long_samples > 0) print_counts(fmt::format("sampled {}", a.long_length).c_str(), r.sampled);
  fmt::print("{}\n", r.exact() ? "RECOGNIZES the language on every string checked" : "does NOT recognize the language");
  if (!a.json_out.empty()) {
    const nlohmann::json j{{"model", a.model},       {"language", lang->spec()},
                           {"mode", o.mode.str()},   {"max_length", a.max_length},
                           {"exhaustive", counts_json(r.exhaustive)}, {"sampled", counts_json(r.sampled)},
                           {"seconds", r.seconds},   {"strings_per_second", r.strings_per_second()},
                           {"exact", r.exact()}};
    write_file_atomic(a.json_out, j.dump(2) + "\n");
  }
  return r.exact() ? kOk : kFailure;
}

// The test bins of a task as labelled sets (alphabet order must match the model's tokens).
std::vector<LabelledSet> task_sets(const TaskSpec& task, const Language& lang) {
  std::vector<LabelledSet> sets;
  for (const auto& split : make_task_splits(lang, task)) {
    LabelledSet s{split.name, {}, {}, split.lengths.lo, split.lengths.hi};
    for (const auto& ex : split.examples) s.words.push_back(ex.word), s.members.push_back(ex.member);
    sets.push_back(std::move(s));
  }
  return sets;
}

struct StudyArgs {
  std::string model, task, tasks = "tasks.yaml", json_out;
  std::vector<std::string> modes;  // saturate: accuracy modes (default softmax, saturated, hard)
  std::vector<std::string> set;    // --set overrides of the task (as `saturn train --set`)
  int threads = 0;
  // saturate: robustness curves, per-head ablation, score gaps (saturated_transformer/robustness.h)
  int power = 20;
  double threshold = -1;
  std::size_t max_per_set = 500;
  bool no_heads = false;
  std::string saturated_mode = "saturated", files;
};

// The test bins of the sets (all sets when there is none).
std::vector<LabelledSet> test_sets(const std::vector<LabelledSet>& sets) {
  std::vector<LabelledSet> out;
  for (const auto& s : sets)
    if (s.name != "train") out.push_back(s);
  return out.empty() ? sets : out;
}

void progress_line(std::string_view line) { fmt::print(stderr, "{}\n", line); }

// Accuracy as the scale grows, per-head ablation and score gaps, printed; `files` gets the tidy
// files of saturated_transformer/saturation_files.h.
nlohmann::ordered_json robustness_section(const StudyArgs& a, const ModelWeights& weights, const Alphabet& alphabet,
                                          const std::vector<LabelledSet>& all_sets) {
  const auto sets = test_sets(all_sets);
  RobustnessOptions o;
  o.max_power = a.power;
  o.threshold = a.threshold;
  o.max_per_set = a.max_per_set;
  o.heads = !a.no_heads;
  o.saturated = EvalMode::parse(a.saturated_mode);
  o.progress = progress_line;
  const auto r = robustness_study(weights, sets, o);
  fmt::print("\naccuracy as attention saturates (pooled over {}; softmax {:.4f}, chance {:.4f}, threshold {:.4f}):\n",
             fmt::join(r.sets, ", "), r.softmax_pooled, r.chance, r.threshold);
  fmt::print("{:>12}", "scale");
  for (const auto& c : r.curves) fmt::print(" {:>12}", c.family);
  fmt::print("\n");
  for (std::size_t k = 0; !r.curves.empty() && k < r.curves[0].scales.size(); ++k) {
    fmt::print("{:>12}", fmt::format("2^{}", k));
    for (const auto& c : r.curves) fmt::print(" {:>12.4f}", c.pooled[k]);
    fmt::print("\n");
  }
  for (const auto& c : r.curves)
    fmt::print("critical scale ({}): {}\n", c.family,
               c.critical_scale > 0 ? fmt::format("{} (accuracy stays below {:.4f} from there on)", c.critical_scale, r.threshold)
                                    : std::string("none (accuracy does not stay below the threshold)"));
  std::vector<Word> probe;
  for (std::size_t i = 0; !sets.empty() && i < sets[0].words.size() && i < 200; ++i) probe.push_back(sets[0].words[i]);
  const ScoreGapOptions go;
  const auto gaps = score_gaps(weights, probe, go);
  fmt::print("\nper head ({} mode; accuracy pooled; gaps in softmax mode on {} strings of {}):\n", o.saturated.str(),
             probe.size(), sets.empty() ? "-" : sets[0].name);
  fmt::print("{:>5} {:>4} {:>14} {:>14} {:>10} {:>12} {:>12}  {}\n", "layer", "head", "saturated_one", "softmax_one",
             "breaks", "gap(same)", "gap(diff)", "diagnosis");
  for (std::size_t k = 0; k < gaps.size(); ++k) {
    const auto& g = gaps[k];
    const HeadAblation* h = k < r.heads.size() ? &r.heads[k] : nullptr;
    fmt::print("{:>5} {:>4} {:>14} {:>14} {:>10} {:>12.3g} {:>12.3g}  {}\n", g.layer, g.head,
               h ? fmt::format("{:.4f}", h->saturate_one_pooled) : "-", h ? fmt::format("{:.4f}", h->softmax_one_pooled) : "-",
               h ? (h->breaks ? "BREAKS" : "no") : "-", g.median_same, g.median_different, g.diagnosis);
  }
  for (const auto& g : gaps)
    if (g.diagnosis != "separated") fmt::print("  {}\n", describe(g));
  if (!a.files.empty()) {
    const std::filesystem::path dir(a.files);
    std::filesystem::create_directories(dir);
    write_file_atomic(dir / "robustness.csv", robustness_csv(r));
    if (o.heads) write_file_atomic(dir / "heads.csv", heads_csv(r));
    write_file_atomic(dir / "score_gaps.csv", score_gaps_csv(gaps, go));
    std::vector<Word> shown(probe.begin(), probe.begin() + static_cast<long>(std::min<std::size_t>(probe.size(), 2)));
    write_file_atomic(dir / "attention.json",
                      attention_json(weights, alphabet, shown, {EvalMode::softmax(), o.saturated}).dump() + "\n");
    fmt::print("wrote {}/robustness.csv, heads.csv, score_gaps.csv, attention.json\n", a.files);
  }
  return {{"robustness", robustness_json(r)}, {"score_gaps", score_gaps_json(gaps)}};
}

int run_saturate(const StudyArgs& a) {
  ThreadLimit limit(a.threads);
  const auto weights = load_model_for_strings(a.model);
  const auto file = load_task_file(a.tasks, a.set, 0, "", a.task);
  const auto& task = language_spec(file.task(a.task));
  const auto lang = make_language(task.language);
  const auto sets = task_sets(task, *lang);
  check_model_alphabet(weights, lang->alphabet(), lang->spec(), a.model);
  SaturationOptions options;
  if (!a.modes.empty()) {
    options.modes.clear();
    for (const auto& m : a.modes) options.modes.push_back(EvalMode::parse(m));
  }
  if (const auto m = EvalMode::parse(a.saturated_mode);
      m.kind == EvalMode::Kind::softmax || m.kind == EvalMode::Kind::scaled || m.kind == EvalMode::Kind::temperature)
    throw Error(fmt::format("saturate: --saturated-mode '{}' is not a saturating mode (saturated, saturated:TOL, hard_left, hard_right)",
                            a.saturated_mode));
  inputs_checked();
  const auto r = saturation_study(weights, lang->alphabet(), sets, options);
  std::size_t width = 12;  // the mode column: 12, or the longest mode name
  for (const auto& m : r.accuracy) width = std::max(width, m.mode.size());
  fmt::print("{:<{}}", "mode", width);
  for (const auto& s : r.sets) fmt::print(" {:>16}", s);
  fmt::print("\n");
  for (const auto& m : r.accuracy) {
    fmt::print("{:<{}}", m.mode, width);
    for (double x : m.accuracy) fmt::print(" {:>16.4f}", x);
    fmt::print("\n");
  }
  for (const auto& c : r.curves) {
    fmt::print("\n{} agreement with saturated (2^0 .. 2^{}):", c.family, c.values.size() - 1);
    for (double x : c.agreement) fmt::print(" {:.3f}", x);
    fmt::print("\n  decisions stop changing from {} = {}", c.family, c.stable_from);
    if (!c.disagreement_example.empty()) fmt::print("; still disagrees at the largest value on '{}'", c.disagreement_example);
    fmt::print("\n");
  }
  fmt::print("\nsaturation score (cosine of softmax vs scaled:1000) per layer:");
  for (double x : r.saturation_by_layer) fmt::print(" {:.4f}", x);
  fmt::print("\n");
  const auto robust = robustness_section(a, weights, lang->alphabet(), sets);
  if (!a.json_out.empty()) {
    nlohmann::ordered_json j;
    j["sets"] = r.sets;
    for (const auto& m : r.accuracy) j["accuracy"][m.mode] = m.accuracy;
    for (const auto& c : r.curves)
      j["curves"][c.family] = {{"values", c.values}, {"agreement", c.agreement}, {"stable_from", c.stable_from},
                               {"disagreement_example", c.disagreement_example}};
    j["saturation_by_layer"] = r.saturation_by_layer;
    j["robustness"] = robust["robustness"];
    j["score_gaps"] = robust["score_gaps"];
    write_file_atomic(a.json_out, j.dump(2) + "\n");
  }
  return kOk;
}

int run_heads(const StudyArgs& a) {
  ThreadLimit limit(a.threads);
  const auto weights = load_model_for_strings(a.model);
  const auto file = load_task_file(a.tasks, a.set, 0, "", a.task);
  const auto& task = language_spec(file.task(a.task));
  const auto lang = make_language(task.language);
  std::vector<Word> inputs;
  for (const auto& s : task_sets(task, *lang))
    for (std::size_t i = 0; i < s.words.size() && i < 200; ++i) inputs.push_back(s.words[i]);
  inputs_checked();
  const auto heads = analyse_heads(weights, inputs);
  const auto gaps = score_gaps(weights, inputs);
  fmt::print("{:>5} {:>4} {:<8} {:>12} {:>10} {:>8} {:>12} {:>12} {:>10} {:>10}  {}\n", "layer", "head", "kind",
             "mean support", "P(>1)", "std", "corr(len)", "entropy", "gap(same)", "gap(diff)", "score gaps");
  nlohmann::json j = nlohmann::json::array();
  for (std::size_t k = 0; k < heads.size(); ++k) {
    const auto& h = heads[k];
    const auto& g = gaps[k];
    fmt::print("{:>5} {:>4} {:<8} {:>12.2f} {:>10.3f} {:>8.2f} {:>12.3f} {:>12.3f} {:>10.3g} {:>10.3g}  {}\n", h.layer,
               h.head, h.kind, h.mean_support, h.split_probability, h.std_support, h.support_length_correlation,
               h.mean_entropy, g.median_same, g.median_different, g.diagnosis);
    j.push_back({{"layer", h.layer}, {"head", h.head}, {"kind", h.kind}, {"mean_support", h.mean_support},
                 {"split_probability", h.split_probability}, {"std_support", h.std_support},
                 {"support_length_correlation", h.support_length_correlation}, {"mean_entropy", h.mean_entropy},
                 {"support_histogram", h.support_histogram}, {"mean_support_by_visible", h.mean_support_by_visible},
                 {"score_gaps", score_gaps_json({g})[0]}});
  }
  for (const auto& g : gaps)
    if (g.diagnosis != "separated") fmt::print("  {}\n", describe(g));
  if (!a.json_out.empty()) write_file_atomic(a.json_out, j.dump(2) + "\n");
  return kOk;
}

}  // namespace

void register_verify_saturate_heads(CLI::App& app, Action& action) {
  {
    auto* cmd = app.add_subcommand("verify", "Check exhaustively which strings a model accepts against a language");
    static VerifyArgs a;
    cmd->add_option("-m,--model", a.model, "model directory")->required();
    cmd->add_option("-l,--language", a.language, "language spec")->required();
    cmd->add_option("-n,--max-length", a.max_length, "every string up to this length")->check(CLI::Range(0, 40));
    cmd->add_option("--max-strings", a.max_strings,
                    "refuse to start (exit 2) when every string up to --max-length is more strings than this "
                    "(default 100000000: binary strings up to length 25, about an hour at 25k strings/s)")
        ->check(CLI::Range(std::uint64_t{1}, std::numeric_limits<std::uint64_t>::max()));
    cmd->add_option("--min-length", a.min_length, "count only strings at least this long (default 0)");
    cmd->add_option("--mode", a.mode, "softmax | temperature:C | scaled:RHO | saturated (default) | saturated:TOL | hard_left (alias hard) | hard_right");
    cmd->add_option("--long-samples", a.long_samples, "members and non-members sampled at longer lengths");
    cmd->add_option("--long-length", a.long_length, "lengths of the long samples, A..B");
    cmd->add_option("-s,--seed", a.seed, "seed of the long samples");
    cmd->add_option("-j,--threads", a.threads, "worker threads (default: all cores)");
    cmd->add_option("--json", a.json_out, "also write the report as JSON to this file");
    cmd->callback([&action] { action = [] { return run_verify(a); }; });
  }
  {
    auto* cmd = app.add_subcommand("saturate", "Saturation study of a model on a task's test bins");
    static StudyArgs a;
    cmd->add_option("-m,--model", a.model, "model directory")->required();
    cmd->add_option("--task", a.task, "task name")->required();
    cmd->add_option("--tasks", a.tasks, "task file (default tasks.yaml)");
    cmd->add_option("--set", a.set, "override a key of the task as the model was trained with it, e.g. --set objective=next_symbols (repeatable)");
    cmd->add_option("-j,--threads", a.threads, "worker threads");
    cmd->add_option("--modes", a.modes,
                    "accuracy modes, comma-separated (default softmax,saturated,hard; any of softmax, temperature:C, "
                    "scaled:RHO, saturated, saturated:TOL, hard_left, hard_right)")
        ->delimiter(',');
    cmd->add_option("--power", a.power,
                    "accuracy as scaled:RHO and temperature:C grow over 2^0 .. 2^POWER (default 20)")
        ->check(CLI::Range(0, 60));
    cmd->add_option("--threshold", a.threshold,
                    "critical scale / breaking heads: accuracy below this (default halfway between softmax and chance)");
    cmd->add_option("--max-per-set", a.max_per_set, "strings per test bin for the curves and ablations (default 500)")
        ->check(CLI::Range(std::size_t{1}, std::numeric_limits<std::size_t>::max()));
    cmd->add_flag("--no-heads", a.no_heads, "skip the per-head ablation (saturate one head / all but one)");
    cmd->add_option("--saturated-mode", a.saturated_mode,
                    "what saturating a head means in the ablation: saturated (default), saturated:TOL, hard_left, hard_right");
    cmd->add_option("--files", a.files,
                    "also write robustness.csv, heads.csv, score_gaps.csv and attention.json into this folder");
    cmd->add_option("--json", a.json_out, "also write the study as JSON to this file");
    cmd->callback([&action] { action = [] { return run_saturate(a); }; });
  }
  {
    auto* cmd = app.add_subcommand("heads", "Head analysis: attention support sizes and kinds per layer and head");
    static StudyArgs a;
    cmd->add_option("-m,--model", a.model, "model directory")->required();
    cmd->add_option("--task", a.task, "task whose test strings are the sample")->required();
    cmd->add_option("--tasks", a.tasks, "task file (default tasks.yaml)");
    cmd->add_option("--set", a.set, "override a key of the task as the model was trained with it, e.g. --set objective=next_symbols (repeatable)");
    cmd->add_option("-j,--threads", a.threads, "worker threads");
    cmd->add_option("--json", a.json_out, "also write the analysis as JSON to this file");
    cmd->callback([&action] { action = [] { return run_heads(a); }; });
  }
  {
    auto* cmd = app.add_subcommand("constructions", "Write the hand-built saturated transformers as model directories");
    static std::string out = "saturated_transformer/constructions";
    cmd->add_option("-o,--out", out, "folder (default saturated_transformer/constructions)");
    cmd->callback([&action] {
      action = [] {
        inputs_checked();
        for (const auto& c : all_constructions()) {
          save_model_weights(std::filesystem::path(out) / c.name, c.weights);
          fmt::print("{}/{}: recognizes {}\n", out, c.name, c.language);
        }
        return kOk;
      };
    });
  }
}

}  // namespace saturn::cli
