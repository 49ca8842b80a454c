#include "harness/suite_runner.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/parallel.h"
#include "core/version.h"
#include "harness/kinds/language/spec.h"
#include "harness/kinds/scan_snap/spec.h"
#include "harness/task_kind.h"
#include "languages/registry.h"
#include "transformer/layers/gemm.h"

namespace saturn {

namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

nlohmann::json read_summary(const fs::path& p) {
  const auto j = nlohmann::json::parse(read_text(p), nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw Error(fmt::format("{}: not a valid summary (delete it to redo the run)", p.string()));
  return j;
}

nlohmann::ordered_json rows_json(const std::vector<ResultRow>& rows) {
  auto arr = nlohmann::ordered_json::array();
  for (const auto& r : rows)
    arr.push_back({{"mode", r.mode}, {"bin", r.bin}, {"strings", r.strings},
                   {"accuracy", std::isfinite(r.accuracy) ? nlohmann::ordered_json(r.accuracy) : nullptr},
                   {"loss", std::isfinite(r.loss) ? nlohmann::ordered_json(r.loss) : nullptr}});
  return arr;
}

// Sweep keys over all runs, in first-seen order (not `seed`: it has its own column).
std::vector<std::string> sweep_keys(const std::vector<RunRecord>& runs) {
  std::vector<std::string> keys;
  for (const auto& r : runs)
    for (const auto& [k, _] : r.point->params)
      if (k != "seed" && std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
  return keys;
}

std::string sweep_values(const RunRecord& r, const std::vector<std::string>& keys) {
  std::string s;
  for (const auto& k : keys) {
    std::string v;
    for (const auto& [pk, pv] : r.point->params)
      if (pk == k) v = pv;
    s += "," + csv_field(v);
  }
  return s;
}

// The columns every row of results.csv and runs.csv starts with (docs/results-schema.md).
std::string run_prefix(const RunRecord& r, const std::vector<std::string>& keys) {
  const auto labels = run_labels(r);
  return csv_field(r.point->task.name) + "," + csv_field(r.point->id) + "," + r.summary.value("kind", std::string()) + "," +
         csv_field(labels.language) + "," + csv_field(labels.variant) + sweep_values(r, keys) + "," +
         std::to_string(r.summary.value("seed", std::uint64_t{0}));
}

std::string header_prefix(const std::vector<std::string>& keys) {
  std::string h = "task,run,kind,language,variant";
  for (const auto& k : keys) h += "," + csv_field(k);
  return h + ",seed";
}

double json_number(const nlohmann::json& row, const char* key) {
  return row.contains(key) && row[key].is_number() ? row[key].get<double>() : std::nan("");
}

// Returns write_report's problem line.
std::string write_suite_files(const std::string& suite, const std::vector<const RunPoint*>& runs, const SuiteOptions& o,
                              const std::vector<RunRecord>& done) {
  write_file_atomic(o.out / "results.csv", results_csv(done));
  write_file_atomic(o.out / "runs.csv", runs_csv(done));
  nlohmann::ordered_json manifest;
  manifest["suite"] = suite;
  manifest["tasks_file"] = o.tasks_file;
  manifest["git_revision"] = git_revision();
  manifest["gemm_backend"] = gemm_backend();
  manifest["runs"] = runs.size();
  manifest["complete"] = done.size();
  auto list = nlohmann::ordered_json::array();
  for (const RunPoint* p : runs) list.push_back({{"run", p->id}, {"complete", fs::exists(o.out / p->id / "summary.json")}});
  manifest["run_list"] = list;
  write_file_atomic(o.out / "suite.json", manifest.dump(2) + "\n");
  return write_report(suite, done, o.out);
}

}  // namespace

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string csv_number(double x) { return std::isfinite(x) ? fmt::format("{}", x) : ""; }

RunLabels run_labels(const RunRecord& run) {
  RunLabels labels;
  const TaskKind* kind = run.point->task.runner.get();
  if (const TaskSpec* spec = language_spec(kind)) labels.language = make_language(spec->language)->spec();
  if (const ScanSnapSpec* spec = scan_snap_spec(kind))
    labels.variant = spec->variant == ScanSnapSpec::Variant::reparam ? "reparam" : "transformer";
  return labels;
}

std::vector<TidyRow> tidy_rows(const RunRecord& run) {
  const TaskKind* kind = run.point->task.runner.get();
  const TaskSpec* language = language_spec(kind);
  const bool scan_snap = scan_snap_spec(kind) != nullptr;
  std::vector<TidyRow> out;
  for (const auto& row : run.summary.value("rows", nlohmann::json::array())) {
    TidyRow t;
    t.mode = row.value("mode", "");
    if (scan_snap && (t.mode == "reparam" || t.mode == "transformer")) t.mode = "softmax";
    const std::string bin = row.value("bin", "");
    t.split = bin.rfind("test", 0) == 0 ? "test" : bin;
    if (language) {
      if (bin == "train") t.lengths = language->train.lengths;
      for (const auto& b : language->test_bins)
        if (bin == "test_" + b.lengths.str()) t.lengths = b.lengths;
      if (!t.lengths)
        throw Error(fmt::format("{}: summary.json row names split '{}', which task '{}' does not have", run.dir.string(), bin,
                                run.point->task.name));
    }
    t.strings = row.value("strings", 0);
    t.accuracy = json_number(row, "accuracy");
    t.loss = json_number(row, "loss");
    out.push_back(std::move(t));
  }
  return out;
}

Shard parse_shard(const std::string& text) {
  Shard s;
  const auto slash = text.find('/');
  try {
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    std::size_t used = 0;
    s.index = std::stoi(text.substr(0, slash), &used);
    if (used != slash) throw std::invalid_argument("index");
    const std::string n = text.substr(slash + 1);
    s.count = std::stoi(n, &used);
    if (used != n.size()) throw std::invalid_argument("count");
  } catch (const std::exception&) {
    throw Error(fmt::format("--shard '{}': expected I/N, e.g. 0/4", text));
  }
  if (s.count < 1 || s.index < 0 || s.index >= s.count)
    throw Error(fmt::format("--shard '{}': need 0 <= I < N", text));
  return s;
}

std::vector<const RunPoint*> shard_runs(const std::vector<const RunPoint*>& runs, const Shard& shard) {
  std::vector<const RunPoint*> out;
  for (std::size_t i = 0; i < runs.size(); ++i)
    if (shard.owns(i)) out.push_back(runs[i]);
  return out;
}

std::vector<RunRecord> complete_runs(const std::vector<const RunPoint*>& runs, const fs::path& out) {
  std::vector<RunRecord> done;
  for (const RunPoint* p : runs) {
    const fs::path dir = out / p->id;
    if (fs::exists(dir / "summary.json")) done.push_back({p, dir, read_summary(dir / "summary.json")});
  }
  return done;
}

std::string results_csv(const std::vector<RunRecord>& runs) {
  const auto keys = sweep_keys(runs);
  std::string csv = header_prefix(keys) + ",mode,split,bin_min,bin_max,strings,accuracy,loss\n";
  for (const auto& r : runs) {
    const std::string prefix = run_prefix(r, keys);
    for (const auto& t : tidy_rows(r))
      csv += fmt::format("{},{},{},{},{},{},{},{}\n", prefix, csv_field(t.mode), csv_field(t.split),
                         t.lengths ? std::to_string(t.lengths->lo) : "", t.lengths ? std::to_string(t.lengths->hi) : "",
                         t.strings, csv_number(t.accuracy), csv_number(t.loss));
  }
  return csv;
}

std::string runs_csv(const std::vector<RunRecord>& runs) {
  const auto keys = sweep_keys(runs);
  std::vector<std::string> names;
  for (const auto& r : runs) {
    const auto scalars = r.summary.value("scalars", nlohmann::json::object());
    for (const auto& [name, _] : scalars.items())
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  std::string csv = header_prefix(keys);
  for (const auto& n : names) csv += "," + csv_field(n);
  csv += "\n";
  for (const auto& r : runs) {
    csv += run_prefix(r, keys);
    const auto scalars = r.summary.value("scalars", nlohmann::json::object());
    for (const auto& n : names) csv += "," + csv_number(json_number(scalars, n.c_str()));
    csv += "\n";
  }
  return csv;
}

SuiteOutcome run_suite(const std::string& suite, const std::vector<const RunPoint*>& runs, const SuiteOptions& o) {
  ThreadLimit limit(o.threads);
  SuiteOutcome outcome;
  outcome.runs = runs.size();
  fs::create_directories(o.out);
  const auto mine = shard_runs(runs, o.shard);
  outcome.owned = mine.size();
  for (std::size_t i = 0; i < mine.size() && o.run; ++i) {
    const RunPoint& p = *mine[i];
    const fs::path dir = o.out / p.id;
    const std::string tag = fmt::format("[{}/{}] {}", i + 1, mine.size(), p.id);
    if (fs::exists(dir / "summary.json")) {
      const auto old = read_summary(dir / "summary.json");
      if (old.value("config", std::string()) != p.config_yaml)
        throw Error(fmt::format("{}: a complete run with another config is there (use another --out, or delete the folder)",
                                dir.string()));
      ++outcome.skipped;
      if (o.progress) fmt::print("{}  complete, skipped\n", tag);
      continue;
    }
    fs::create_directories(dir);
    write_file_atomic(dir / "config.yaml", p.config_yaml);
    if (o.progress) fmt::print("{}  running\n", tag), std::fflush(stdout);
    const auto t0 = std::chrono::steady_clock::now();
    RunOutput r;
    try {
      r = p.task.runner->run({dir, o.threads, o.progress});
    } catch (const Error& e) {
      ++outcome.failed;
      outcome.failures.push_back(fmt::format("{}: {}", p.id, e.what()));
      if (o.progress) fmt::print("{}  FAILED: {}\n", tag, e.what());
      continue;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    nlohmann::ordered_json s;
    s["run"] = p.id;
    s["task"] = p.task.name;
    s["kind"] = p.task.runner->kind();
    s["suite"] = suite;
    s["tasks_file"] = o.tasks_file;
    s["params"] = nlohmann::ordered_json::object();
    for (const auto& [k, v] : p.params) s["params"][k] = v;
    s["seed"] = p.task.runner->seed();
    s["git_revision"] = git_revision();
    s["gemm_backend"] = gemm_backend();
    s["threads"] = o.threads;
    s["seconds"] = seconds;
    s["config"] = p.config_yaml;
    s["rows"] = rows_json(r.rows);
    s["scalars"] = nlohmann::ordered_json::object();
    for (const auto& [k, v] : r.scalars) s["scalars"][k] = std::isfinite(v) ? nlohmann::ordered_json(v) : nullptr;
    s["result"] = r.details;
    write_file_atomic(dir / "summary.json", s.dump(2) + "\n");
    ++outcome.ran;
    if (o.progress) fmt::print("{}  done in {:.1f} s\n", tag, seconds), std::fflush(stdout);
  }
  const auto done = complete_runs(runs, o.out);
  outcome.complete = done.size();
  if (o.write_files) {
    outcome.report_problem = write_suite_files(suite, runs, o, done);
    if (o.progress && !outcome.report_problem.empty())
      fmt::print(stderr, "note: report.html: {} (Debian: apt-get install python3-matplotlib; then the same command with "
                 "--report-only)\n", outcome.report_problem);
  }
  return outcome;
}

}  // namespace saturn
