// The capacity table, version 2 ("which languages does the (saturated) network recognize?"): one
// table over the run folders of one or more suites (the ordinary `capacity` suite and, e.g., the
// `saturation_training` suite's runs with each saturation option), nothing trained or evaluated
// again. One row per language x run x evaluation mode (softmax, saturated, saturated:TOL,
// hard_left, hard_right: the union of the runs' modes; a mode a run lacks is a row "not
// measured"), with
//   - the accuracy per test bin (results.csv's rows),
//   - the exhaustive verification of analysis.verify_length in that mode (summary.json's scalars
//     exact_MODE, verified_length and result.verify.MODE.counterexample),
//   - the run's critical scales (scalars critical_scale_scaled / _temperature of
//     analysis.robustness_power; 0: none),
//   - the hand-built constructions of that language (saturated_transformer/programs/*.sat whose
//     `language` is it), compiled and verified here in that mode up to a length,
//   - the theory column (harness/theory.h) for the mode's family, and
//   - a flag where a measurement contradicts it: a model (trained or hand-built) recognises the
//     language (exact up to N and, for a trained one, every test bin at >= recognize_accuracy)
//     in a family the theory says cannot express it, given whether that model has positions.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "harness/suite_runner.h"
#include "harness/task_kind.h"
#include "harness/theory.h"

namespace saturn {

// A hand-built construction verified in one mode.
struct ConstructionCheck {
  std::string program;   // file name, e.g. "dyck1.sat"
  std::string language;  // canonical spec
  std::string mode;
  bool has_positions = false;
  int verified_length = 0;     // every word of length <= this was checked
  bool exact = false;          // ... and decided like the language
  std::string counterexample;  // shortest, when not exact ("ε" for the empty word)
};

struct CapacityRow {
  std::string suite, task, run, language, mode;  // run: the run id (the task's name when it has no sweep)
  bool has_positions = true;        // the run's model has a positional encoding
  bool measured = false;            // the run was evaluated in this mode (else: every field below is empty)
  std::vector<TidyRow> splits;      // this mode's rows of results.csv (train first)
  int verified_length = 0;          // every string from the task's shortest training length up to this one was checked (0: none)
  bool exact = false;               // ... and all were decided like the oracle
  std::string counterexample;       // shortest, when not exact
  double critical_scaled = -1, critical_temperature = -1;  // the run's critical scales (0: none; -1: not measured)
  std::vector<ConstructionCheck> constructions;            // this language's programs, in this mode
  // The theory column (empty when the language has no entry).
  std::string theory_family;        // hard, hard_left, saturated or softmax
  std::string theory_verdict;       // as in the file (yes, no, with_positions, ...)
  std::string theory_says, theory_refs;
  bool theory_derived = false;
  std::string contradiction;        // empty: none; else the sentence saying which measurement contradicts it
};

struct CapacityOptions {
  double recognize_accuracy = 0.99;  // a trained model "recognises" when exact up to N and every test bin reaches this
  std::uint64_t construction_budget = 1u << 16;  // words per construction verification (all lengths up to N within it)
  int construction_max_length = 30;              // ... and N at most this
};

// One row per complete language run x table mode, in run order then the table's mode order (the
// modes of all runs, in order of first appearance, hard spelled hard_left); runs of other kinds
// are skipped. `suite` labels the rows.
std::vector<CapacityRow> capacity_rows(const std::vector<RunRecord>& runs, const std::string& suite = "");

// The modes of the rows, in order of first appearance.
std::vector<std::string> capacity_modes(const std::vector<CapacityRow>& rows);

// Compiles every program of `programs_dir` whose language is one of `languages` (canonical specs)
// and verifies it in each of `modes` exhaustively up to the longest length within the budget.
// Programs that do not parse or compile are an error (saturn::Error naming the file).
std::vector<ConstructionCheck> check_constructions(const std::filesystem::path& programs_dir,
                                                   const std::vector<std::string>& languages,
                                                   const std::vector<std::string>& modes, const CapacityOptions& options);

// saturated_transformer/programs of the source tree.
std::filesystem::path default_programs_dir();

// Fills each row's constructions, theory column and contradiction flag.
void annotate_capacity(std::vector<CapacityRow>& rows, const Theory& theory,
                       const std::vector<ConstructionCheck>& constructions, const CapacityOptions& options);

// capacity.csv: one line per row x split (one line with empty split fields for a row without
// splits), in results.csv's tidy schema plus the table's columns (docs/results-schema.md).
std::string capacity_csv(const std::vector<CapacityRow>& rows);
// capacity.md: the table (one line per row, a column per test bin), then a sentence per
// contradiction and the references.
std::string capacity_markdown(const std::vector<CapacityRow>& rows, const Theory& theory);
// The same table for report.html.
std::string capacity_html(const std::vector<CapacityRow>& rows);
// Writes capacity.csv and capacity.md into `out` (atomically).
void write_capacity(const std::vector<CapacityRow>& rows, const Theory& theory, const std::filesystem::path& out);

}  // namespace saturn
