#include "harness/capacity.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>

#include "core/atomic_file.h"
#include "core/error.h"
#include "harness/kinds/language/spec.h"
#include "harness/report.h"
#include "languages/registry.h"
#include "saturated_transformer/compiler/compiler.h"
#include "saturated_transformer/eval_mode.h"
#include "saturated_transformer/verifier.h"

namespace saturn {

namespace fs = std::filesystem;

namespace {

// The table's spelling of a mode: `hard` (results keep the alias) is hard_left.
std::string table_mode(const std::string& mode) {
  const EvalMode m = EvalMode::parse(mode);
  return m.spelled_hard ? EvalMode::hard_left().str() : m.str();
}

bool is_test(const TidyRow& t) { return t.split == "test"; }

}  // namespace

std::vector<CapacityRow> capacity_rows(const std::vector<RunRecord>& runs, const std::string& suite) {
  // Per run: its rows by table mode (measured ones), in the run's order.
  struct RunRows {
    CapacityRow base;
    std::vector<CapacityRow> by_mode;
  };
  std::vector<RunRows> per_run;
  std::vector<std::string> modes;
  for (const auto& r : runs) {
    const TaskSpec* spec = language_spec(r.point->task.runner.get());
    if (!spec) continue;
    RunRows rr;
    rr.base.suite = suite;
    rr.base.task = r.point->task.name;
    rr.base.run = r.point->id;
    rr.base.language = run_labels(r).language;
    rr.base.has_positions = spec->model.config.positional != Positional::none;
    const auto& scalars = r.summary.value("scalars", nlohmann::json::object());
    const auto scalar = [&](const char* name) {
      return scalars.contains(name) && scalars[name].is_number() ? scalars[name].get<double>() : -1.0;
    };
    rr.base.critical_scaled = scalar("critical_scale_scaled");
    rr.base.critical_temperature = scalar("critical_scale_temperature");
    const auto verify = r.summary.contains("result") ? r.summary["result"].value("verify", nlohmann::json::object())
                                                     : nlohmann::json::object();
    for (auto& t : tidy_rows(r)) {
      const std::string mode = table_mode(t.mode);
      if (std::find(modes.begin(), modes.end(), mode) == modes.end()) modes.push_back(mode);
      auto it = std::find_if(rr.by_mode.begin(), rr.by_mode.end(), [&](const CapacityRow& c) { return c.mode == mode; });
      if (it == rr.by_mode.end()) {
        CapacityRow c = rr.base;
        c.mode = mode;
        c.measured = true;
        const std::string exact = "exact_" + t.mode;  // the run's own spelling
        if (scalars.contains(exact) && scalars[exact].is_number()) {
          c.exact = scalars[exact].get<double>() > 0.5;
          c.verified_length = scalars.value("verified_length", 0);
          if (verify.contains(t.mode)) c.counterexample = verify[t.mode].value("counterexample", "");
        }
        rr.by_mode.push_back(std::move(c));
        it = std::prev(rr.by_mode.end());
      }
      it->splits.push_back(std::move(t));
    }
    per_run.push_back(std::move(rr));
  }
  std::vector<CapacityRow> rows;
  for (auto& rr : per_run)
    for (const auto& mode : modes) {
      auto it = std::find_if(rr.by_mode.begin(), rr.by_mode.end(), [&](const CapacityRow& c) { return c.mode == mode; });
      if (it != rr.by_mode.end()) {
        rows.push_back(std::move(*it));
      } else {
        CapacityRow c = rr.base;
        c.mode = mode;
        rows.push_back(std::move(c));
      }
    }
  return rows;
}

std::vector<std::string> capacity_modes(const std::vector<CapacityRow>& rows) {
  std::vector<std::string> modes;
  for (const auto& r : rows)
    if (std::find(modes.begin(), modes.end(), r.mode) == modes.end()) modes.push_back(r.mode);
  return modes;
}

std::vector<ConstructionCheck> check_constructions(const fs::path& programs_dir, const std::vector<std::string>& languages,
                                                   const std::vector<std::string>& modes, const CapacityOptions& options) {
  std::vector<fs::path> files;
  if (fs::is_directory(programs_dir))
    for (const auto& e : fs::directory_iterator(programs_dir))
      if (e.path().extension() == ".sat") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<ConstructionCheck> out;
  for (const auto& file : files) {
    const Program program = load_program(file);
    const auto lang = make_language(program.language);
    const std::string spec = lang->spec();
    if (std::find(languages.begin(), languages.end(), spec) == languages.end()) continue;
    const CompiledProgram compiled = compile_program(program);
    const int n = max_length_within(static_cast<int>(lang->alphabet().size()), options.construction_budget,
                                    std::min(options.construction_max_length, compiled.weights.config.max_len - 1));
    for (const auto& mode : modes) {
      VerifyOptions vo;
      vo.max_length = n;
      vo.mode = EvalMode::parse(mode);
      vo.max_strings = options.construction_budget;
      const auto r = verify(compiled.weights, *lang, vo);
      const auto* ce = shortest_counterexample(r.exhaustive);
      out.push_back({file.filename().string(), spec, mode, compiled.weights.config.positional != Positional::none, n,
                     r.exact(), ce ? (ce->word.empty() ? "ε" : ce->word) : ""});
    }
  }
  return out;
}

fs::path default_programs_dir() { return SATURN_PROGRAMS_DIR; }

void annotate_capacity(std::vector<CapacityRow>& rows, const Theory& theory,
                       const std::vector<ConstructionCheck>& constructions, const CapacityOptions& options) {
  static const char* kFamilyNames[] = {"hard", "hard_left", "saturated", "softmax"};
  for (auto& r : rows) {
    r.constructions.clear();
    for (const auto& c : constructions)
      if (c.language == r.language && c.mode == r.mode) r.constructions.push_back(c);
    r.contradiction.clear();
    const TheoryEntry* e = theory.find(r.language);
    if (!e) continue;
    const Family family = mode_family(r.mode);
    const TheoryClaim& claim = e->claim(family);
    r.theory_family = kFamilyNames[static_cast<int>(family)];
    r.theory_verdict = verdict_name(claim.verdict);
    r.theory_says = claim.says;
    r.theory_refs = theory.cite(claim);
    r.theory_derived = claim.derived;
    std::vector<std::string> why;
    if (r.measured && r.exact && r.verified_length > 0 && effective_verdict(claim, r.has_positions) == Verdict::no) {
      bool all = true, any = false;
      for (const auto& s : r.splits)
        if (is_test(s)) any = true, all = all && s.accuracy >= options.recognize_accuracy;
      if (any && all)
        why.push_back(fmt::format("the trained model is exact up to {} and at least {} on every test bin", r.verified_length,
                                  options.recognize_accuracy));
    }
    for (const auto& c : r.constructions)
      if (c.exact && effective_verdict(claim, c.has_positions) == Verdict::no)
        why.push_back(fmt::format("{} is exact up to {}", c.program, c.verified_length));
    for (std::size_t i = 0; i < why.size(); ++i) r.contradiction += (i ? "; " : "") + why[i];
  }
}

namespace {

std::string lengths_text(const TidyRow& t) { return t.lengths ? t.lengths->str() : ""; }

std::string accuracy_cell(const TidyRow& t) { return fmt::format("{:.3f} ({})", t.accuracy, lengths_text(t)); }

std::string exact_cell(const CapacityRow& r) {
  if (!r.measured) return "not measured";
  if (r.verified_length == 0) return "–";
  return r.exact ? fmt::format("yes (N = {})", r.verified_length)
                 : fmt::format("no (N = {}), e.g. `{}`", r.verified_length, r.counterexample);
}

std::string scale_text(double s) {
  if (s < 0) return "–";
  if (s == 0) return "none";
  return fmt::format("{}", s);
}

std::string critical_cell(const CapacityRow& r) {
  if (r.critical_scaled < 0 && r.critical_temperature < 0) return "–";
  return scale_text(r.critical_scaled) + " / " + scale_text(r.critical_temperature);
}

std::string construction_cell(const CapacityRow& r) {
  if (r.constructions.empty()) return "none";
  std::string s;
  for (const auto& c : r.constructions)
    s += fmt::format("{}{}: {}", s.empty() ? "" : "; ", c.program,
                     c.exact ? fmt::format("yes (N = {})", c.verified_length)
                             : fmt::format("no (N = {}), e.g. `{}`", c.verified_length, c.counterexample));
  return s;
}

std::string theory_cell(const CapacityRow& r) {
  if (r.theory_verdict.empty()) return "no entry";
  return fmt::format("{}: {} ({}{})", r.theory_verdict, r.theory_says, r.theory_refs, r.theory_derived ? "; derived" : "");
}

// The test bins of a row, in order; the train split apart.
std::vector<const TidyRow*> test_splits(const CapacityRow& r) {
  std::vector<const TidyRow*> v;
  for (const auto& s : r.splits)
    if (is_test(s)) v.push_back(&s);
  return v;
}

const TidyRow* train_split(const CapacityRow& r) {
  for (const auto& s : r.splits)
    if (s.split == "train") return &s;
  return nullptr;
}

std::size_t max_bins(const std::vector<CapacityRow>& rows) {
  std::size_t n = 0;
  for (const auto& r : rows) n = std::max(n, test_splits(r).size());
  return n;
}

std::string training_label(const CapacityRow& r) { return r.suite.empty() ? r.run : r.suite + "/" + r.run; }

// The table as cells (header first); shared by the Markdown and HTML forms.
std::vector<std::vector<std::string>> table_cells(const std::vector<CapacityRow>& rows) {
  const std::size_t bins = max_bins(rows);
  std::vector<std::string> header{"language", "training", "mode", "train"};
  for (std::size_t i = 0; i < bins; ++i) header.push_back(fmt::format("test bin {}", i + 1));
  for (const char* h : {"exact up to N", "critical scale (scaled / temperature)", "construction", "theory", "flag"})
    header.push_back(h);
  std::vector<std::vector<std::string>> cells{header};
  // Grouped by language (first appearance), then the rows' order.
  std::vector<std::string> languages;
  for (const auto& r : rows)
    if (std::find(languages.begin(), languages.end(), r.language) == languages.end()) languages.push_back(r.language);
  for (const auto& language : languages)
    for (const auto& r : rows) {
      if (r.language != language) continue;
      std::vector<std::string> line{r.language, training_label(r), r.mode};
      const TidyRow* train = train_split(r);
      line.push_back(!r.measured ? "not measured" : train ? fmt::format("{:.3f}", train->accuracy) : "–");
      const auto tests = test_splits(r);
      for (std::size_t i = 0; i < bins; ++i) line.push_back(i < tests.size() ? accuracy_cell(*tests[i]) : "–");
      line.push_back(exact_cell(r));
      line.push_back(critical_cell(r));
      line.push_back(construction_cell(r));
      line.push_back(theory_cell(r));
      line.push_back(r.contradiction.empty() ? "" : "CONTRADICTS THEORY");
      cells.push_back(std::move(line));
    }
  return cells;
}

// The sentences under the table: each contradiction, the languages without a theory entry.
std::vector<std::string> notes(const std::vector<CapacityRow>& rows) {
  std::vector<std::string> out;
  std::vector<std::string> missing;
  for (const auto& r : rows) {
    if (!r.contradiction.empty())
      out.push_back(fmt::format("{} in `{}` mode ({}): {}, where the theory says '{}' for {} attention{}.", r.language, r.mode,
                                training_label(r), r.contradiction, r.theory_verdict, r.theory_family,
                                r.has_positions ? " (the trained model has positions)" : " (the trained model has no positions)"));
    if (r.theory_verdict.empty() && std::find(missing.begin(), missing.end(), r.language) == missing.end())
      missing.push_back(r.language);
  }
  if (out.empty()) out.push_back("No measurement contradicts the theory column.");
  else
    out.push_back("A finite check cannot refute an impossibility result about all lengths: a contradiction means the "
                  "lengths checked are too short to show the limit, or the model is outside the result's assumptions "
                  "(positions, precision, masking).");
  for (const auto& l : missing) out.push_back(fmt::format("`{}` has no entry in the theory file.", l));
  return out;
}

}  // namespace

std::string capacity_csv(const std::vector<CapacityRow>& rows) {
  std::string csv =
      "suite,task,run,language,mode,measured,split,bin_min,bin_max,strings,accuracy,verified_length,recognizes_exactly,"
      "counterexample,critical_scale_scaled,critical_scale_temperature,construction,construction_verified_length,"
      "construction_exact,theory_family,theory_verdict,theory_refs,contradiction\n";
  for (const auto& r : rows) {
    const bool verified = r.verified_length > 0;
    std::string programs, lengths, exact;
    for (const auto& c : r.constructions) {
      const char* sep = programs.empty() ? "" : ";";
      programs += sep + c.program;
      lengths += sep + std::to_string(c.verified_length);
      exact += sep + std::string(c.exact ? "1" : "0");
    }
    const auto line = [&](const TidyRow* s) {
      return fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", csv_field(r.suite),
                         csv_field(r.task), csv_field(r.run), csv_field(r.language), csv_field(r.mode), r.measured ? 1 : 0,
                         s ? s->split : "", s && s->lengths ? std::to_string(s->lengths->lo) : "",
                         s && s->lengths ? std::to_string(s->lengths->hi) : "", s ? std::to_string(s->strings) : "",
                         s ? csv_number(s->accuracy) : "", verified ? std::to_string(r.verified_length) : "",
                         verified ? (r.exact ? "1" : "0") : "", csv_field(r.counterexample),
                         r.critical_scaled < 0 ? "" : csv_number(r.critical_scaled),
                         r.critical_temperature < 0 ? "" : csv_number(r.critical_temperature), csv_field(programs), lengths,
                         exact, r.theory_family, r.theory_verdict, csv_field(r.theory_refs), csv_field(r.contradiction));
    };
    if (r.splits.empty()) csv += line(nullptr);
    for (const auto& s : r.splits) csv += line(&s);
  }
  return csv;
}

std::string capacity_markdown(const std::vector<CapacityRow>& rows, const Theory& theory) {
  const auto cells = table_cells(rows);
  std::string md;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    md += "|";
    for (std::size_t k = 0; k < cells[i].size(); ++k) md += " " + (i > 0 && k == 0 ? "`" + cells[i][k] + "`" : cells[i][k]) + " |";
    md += "\n";
    if (i == 0) {
      md += "|";
      for (std::size_t k = 0; k < cells[0].size(); ++k) md += "---|";
      md += "\n";
    }
  }
  md += "\n";
  for (const auto& n : notes(rows)) md += n + "\n\n";
  std::string refs;
  for (const auto& [key, text] : theory.references) refs += fmt::format("- `{}`: {}\n", key, text);
  if (!refs.empty()) md += "References (" + theory.file + "):\n\n" + refs;
  return md;
}

std::string capacity_html(const std::vector<CapacityRow>& rows) {
  if (rows.empty()) return "";
  auto cells = table_cells(rows);
  const auto header = cells.front();
  cells.erase(cells.begin());
  std::string h = "<h3>Capacity table</h3>\n" + html_table(header, cells);
  for (const auto& n : notes(rows)) h += "<p>" + html_escape(n) + "</p>\n";
  return h;
}

void write_capacity(const std::vector<CapacityRow>& rows, const Theory& theory, const fs::path& out) {
  fs::create_directories(out);
  write_file_atomic(out / "capacity.csv", capacity_csv(rows));
  write_file_atomic(out / "capacity.md", capacity_markdown(rows, theory));
}

}  // namespace saturn
