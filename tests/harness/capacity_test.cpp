// The capacity table v2 as a view over run folders: what it reads from summary.json (written by
// hand into temporary run folders, and by a real suite run), a mode a run lacks, the theory column
// with a language that has no entry, the contradiction flag (trained and hand-built), the
// constructions verified for real, and its files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/atomic_file.h"
#include "harness/capacity.h"
#include "harness/suite_runner.h"
#include "harness/task_file.h"
#include "harness/theory.h"

namespace saturn {
namespace {

namespace fs = std::filesystem;

const char* kFile = R"Y(tasks:
  a:
    language: anbn
    train: {lengths: 2..8, size: 40}
    test: {bins: [10..12], size: 10}
    model: {d_model: 8, n_heads: 2, d_ff: 8}
    training: {steps: 4, batch_size: 4}
    analysis: {modes: [softmax, saturated, hard], verify_length: 4}
  g:
    kind: grokking
    data: {modulus: 5}
  maj:
    language: majority
    train: {lengths: 1..8, size: 40}
    test: {bins: [10..12, 14..16], size: 10}
    model: {d_model: 8, n_heads: 2, d_ff: 8, positional: none}
    analysis: {modes: [softmax, hard_right]}
  star:
    language: tomita:n=3
    train: {lengths: 1..8, size: 40}
    test: {bins: [10..12], size: 10}
    model: {d_model: 8, n_heads: 2, d_ff: 8}
    analysis: {modes: [softmax, saturated, hard_right]}
  star_nopos:
    language: tomita:n=3
    train: {lengths: 1..8, size: 40}
    test: {bins: [10..12], size: 10}
    model: {d_model: 8, n_heads: 2, d_ff: 8, positional: none}
    analysis: {modes: [softmax, hard_right]}
  first:
    language: first
    train: {lengths: 1..8, size: 40}
    test: {bins: [10..12], size: 10}
    model: {d_model: 8, n_heads: 2, d_ff: 8}
suites:
  s: [a, g]
  hand: [maj, star, star_nopos, first]
)Y";

// A small theory: majority and tomita:n=3 have entries, `first` has none.
const char* kTheory = R"Y(references:
  hao2022: "Hao, Angluin & Frank 2022 (TACL)"
  mss2022: "Merrill, Sabharwal & Smith 2022 (TACL)"
languages:
  majority:
    specs: [majority]
    hard: {verdict: no, says: "not in AC0", refs: [hao2022]}
    saturated: {verdict: yes, says: "a uniform head", refs: [mss2022]}
    softmax: {verdict: yes, says: "a uniform head", refs: [mss2022], derived: true}
  periodic:
    specs: [tomita:n=3]
    hard: {verdict: with_positions, says: "with periodic positions", refs: [hao2022]}
    saturated: {verdict: with_positions, says: "with periodic positions", refs: [hao2022]}
    softmax: {verdict: open, says: "not stated"}
)Y";

nlohmann::json row(const char* mode, const char* bin, double accuracy) {
  return {{"mode", mode}, {"bin", bin}, {"strings", 10}, {"accuracy", accuracy}, {"loss", nullptr}};
}

void write_summary(const fs::path& dir, const nlohmann::json& summary) {
  fs::create_directories(dir);
  write_file_atomic(dir / "summary.json", summary.dump(1) + "\n");
}

TEST(Capacity, ReadsRowsAndVerificationOfLanguageRuns) {
  const auto file = parse_task_file(kFile, "t.yaml", {}, 0, "s");
  const auto runs = file.runs("s");
  ASSERT_EQ(runs.size(), 2u);
  RunRecord lang{runs[0], "", {}};
  lang.summary = {{"kind", "language"},
                  {"rows", {row("softmax", "train", 1.0), row("softmax", "test_10..12", 0.5), row("hard", "train", 0.25),
                            row("hard", "test_10..12", 0.125)}},
                  {"scalars", {{"exact_hard", 0.0}, {"verified_length", 4}, {"critical_scale_scaled", 2.0},
                               {"critical_scale_temperature", 0.0}}},
                  {"result", {{"verify", {{"hard", {{"counterexample", "ab"}}}}}}}};
  RunRecord grok{runs[1], "", {{"kind", "grokking"}, {"rows", {row("softmax", "test", 1.0)}}}};
  const auto rows = capacity_rows({lang, grok}, "s");
  ASSERT_EQ(rows.size(), 2u);  // the grokking run is not a language run
  EXPECT_EQ(rows[0].suite, "s");
  EXPECT_EQ(rows[0].task, "a");
  EXPECT_EQ(rows[0].run, "a");
  EXPECT_EQ(rows[0].language, "anbn");
  EXPECT_EQ(rows[0].mode, "softmax");
  EXPECT_TRUE(rows[0].measured);
  EXPECT_TRUE(rows[0].has_positions);
  ASSERT_EQ(rows[0].splits.size(), 2u);
  EXPECT_EQ(rows[0].splits[0].split, "train");
  EXPECT_EQ(rows[0].splits[1].lengths, (LengthRange{10, 12}));
  EXPECT_EQ(rows[0].splits[1].accuracy, 0.5);
  EXPECT_EQ(rows[0].verified_length, 0);  // not verified in this mode
  EXPECT_EQ(rows[0].critical_scaled, 2.0);
  EXPECT_EQ(rows[0].critical_temperature, 0.0);  // none
  EXPECT_EQ(rows[1].mode, "hard_left");           // `hard` is spelled hard_left in the table
  EXPECT_EQ(rows[1].verified_length, 4);
  EXPECT_FALSE(rows[1].exact);
  EXPECT_EQ(rows[1].counterexample, "ab");
  // No theory entry for anbn in an empty theory, no construction.
  auto annotated = rows;
  annotate_capacity(annotated, Theory{}, {}, CapacityOptions{});
  EXPECT_EQ(capacity_csv({annotated[1]}),
            "suite,task,run,language,mode,measured,split,bin_min,bin_max,strings,accuracy,verified_length,recognizes_exactly,"
            "counterexample,critical_scale_scaled,critical_scale_temperature,construction,construction_verified_length,"
            "construction_exact,theory_family,theory_verdict,theory_refs,contradiction\n"
            "s,a,a,anbn,hard_left,1,train,2,8,10,0.25,4,0,ab,2,0,,,,,,,\n"
            "s,a,a,anbn,hard_left,1,test,10,12,10,0.125,4,0,ab,2,0,,,,,,,\n");
}

// Hand-made run folders of the `hand` suite: majority without positions whose hard_right rows are
// exact and perfect (a contradiction: unique-hard attention cannot count), Tomita 3 with and
// without positions (the same measurement contradicts only without), `first` without a theory
// entry, and modes some runs lack.
class CapacityHand : public ::testing::Test {
 protected:
  void SetUp() override {
    out_ = fs::temp_directory_path() / "saturn_capacity_hand_test";
    fs::remove_all(out_);
    write_summary(out_ / "maj", {{"kind", "language"},
                                 {"rows", {row("softmax", "train", 1.0), row("softmax", "test_10..12", 1.0),
                                           row("softmax", "test_14..16", 0.95), row("hard_right", "train", 1.0),
                                           row("hard_right", "test_10..12", 1.0), row("hard_right", "test_14..16", 1.0)}},
                                 {"scalars", {{"exact_hard_right", 1.0}, {"exact_softmax", 0.0}, {"verified_length", 8}}},
                                 {"result", {{"verify", {{"softmax", {{"counterexample", "0"}}}}}}}});
    for (const char* run : {"star", "star_nopos"}) {
      nlohmann::json rows = {row("softmax", "train", 1.0), row("softmax", "test_10..12", 0.5), row("hard_right", "train", 1.0),
                             row("hard_right", "test_10..12", 1.0)};
      if (std::string(run) == "star") rows.push_back(row("saturated", "train", 0.5)), rows.push_back(row("saturated", "test_10..12", 0.5));
      write_summary(out_ / run, {{"kind", "language"}, {"rows", rows}, {"scalars", {{"exact_hard_right", 1.0}, {"verified_length", 8}}}});
    }
    write_summary(out_ / "first", {{"kind", "language"},
                                   {"rows", {row("softmax", "train", 1.0), row("softmax", "test_10..12", 1.0)}},
                                   {"scalars", {{"exact_softmax", 1.0}, {"verified_length", 8}}}});
  }
  void TearDown() override { fs::remove_all(out_); }

  const CapacityRow& at(const std::vector<CapacityRow>& rows, const std::string& run, const std::string& mode) {
    for (const auto& r : rows)
      if (r.run == run && r.mode == mode) return r;
    ADD_FAILURE() << "no row " << run << " " << mode;
    return rows.front();
  }

  fs::path out_;
};

TEST_F(CapacityHand, FlagsContradictionsMissingModesAndLanguagesWithoutTheory) {
  const auto file = parse_task_file(kFile, "t.yaml", {}, 0, "hand");
  const auto done = complete_runs(file.runs("hand"), out_);
  ASSERT_EQ(done.size(), 4u);
  auto rows = capacity_rows(done, "hand");
  // Every run has a row for every mode of the table (softmax, hard_right, saturated: first appearance).
  EXPECT_EQ(capacity_modes(rows), (std::vector<std::string>{"softmax", "hard_right", "saturated"}));
  ASSERT_EQ(rows.size(), 12u);
  const Theory theory = parse_theory(kTheory, "theory.yaml");
  annotate_capacity(rows, theory, {}, CapacityOptions{});

  const auto& maj_sat = at(rows, "maj", "saturated");  // a mode the run lacks
  EXPECT_FALSE(maj_sat.measured);
  EXPECT_TRUE(maj_sat.splits.empty());
  EXPECT_EQ(maj_sat.theory_verdict, "yes");
  EXPECT_TRUE(maj_sat.contradiction.empty());

  const auto& maj_hard = at(rows, "maj", "hard_right");
  EXPECT_EQ(maj_hard.theory_family, "hard");
  EXPECT_EQ(maj_hard.theory_verdict, "no");
  EXPECT_EQ(maj_hard.theory_refs, "Hao, Angluin & Frank 2022");
  EXPECT_FALSE(maj_hard.contradiction.empty());
  EXPECT_NE(maj_hard.contradiction.find("exact up to 8"), std::string::npos) << maj_hard.contradiction;

  // Softmax on majority: not exact, and theory says yes anyway: no flag.
  EXPECT_TRUE(at(rows, "maj", "softmax").contradiction.empty());
  EXPECT_EQ(at(rows, "maj", "softmax").theory_refs, "Merrill, Sabharwal & Smith 2022");

  // Tomita 3: with positions the theory allows it; without, the same measurement contradicts it.
  EXPECT_TRUE(at(rows, "star", "hard_right").contradiction.empty());
  EXPECT_FALSE(at(rows, "star_nopos", "hard_right").contradiction.empty());
  // Tomita 3 softmax: exact is not verified there; the verdict is `open`.
  EXPECT_EQ(at(rows, "star", "softmax").theory_verdict, "open");

  // A trained model exact up to N but below the accuracy threshold on a test bin is not flagged.
  CapacityOptions strict;
  strict.recognize_accuracy = 1.0;
  auto again = rows;
  for (auto& r : again)
    if (r.run == "maj" && r.mode == "hard_right") r.splits[2].accuracy = 0.99;
  annotate_capacity(again, theory, {}, strict);
  EXPECT_TRUE(at(again, "maj", "hard_right").contradiction.empty());

  // `first` has no theory entry: empty theory fields, a sentence under the table.
  const auto& first = at(rows, "first", "softmax");
  EXPECT_TRUE(first.theory_verdict.empty());
  EXPECT_TRUE(first.contradiction.empty());
  EXPECT_FALSE(at(rows, "first", "hard_right").measured);

  const std::string md = capacity_markdown(rows, theory);
  EXPECT_NE(md.find("| `majority` | hand/maj | hard_right | 1.000 | 1.000 (10..12) | 1.000 (14..16) | yes (N = 8) | – | "
                    "none | no: not in AC0 (Hao, Angluin & Frank 2022) | CONTRADICTS THEORY |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| `majority` | hand/maj | saturated | not measured | – | – | not measured |"), std::string::npos) << md;
  EXPECT_NE(md.find("| `first` | hand/first | softmax | 1.000 | 1.000 (10..12) | – | yes (N = 8) | – | none | no entry |  |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("majority in `hard_right` mode (hand/maj): the trained model is exact up to 8"), std::string::npos) << md;
  EXPECT_NE(md.find("`first` has no entry in the theory file."), std::string::npos) << md;
  EXPECT_EQ(md.find("No measurement contradicts"), std::string::npos);
  // The CSV has one line for a row without splits, with measured 0.
  EXPECT_NE(capacity_csv(rows).find("hand,maj,maj,majority,saturated,0,,,,,,,,,,,,,,saturated,yes,"), std::string::npos);
  // The markdown of rows without contradictions says so.
  std::vector<CapacityRow> calm;
  for (const auto& r : rows)
    if (r.contradiction.empty()) calm.push_back(r);
  EXPECT_NE(capacity_markdown(calm, theory).find("No measurement contradicts the theory column."), std::string::npos);
}

// The construction column from a real verification of the shipped programs: dyck1.sat is exact in
// saturated mode, majority.sat fails in hard_right (a hard head cannot count); a theory claiming
// saturated attention cannot express Dyck-1 is contradicted by the construction.
TEST(Capacity, ConstructionsVerifiedForReal) {
  CapacityOptions o;
  o.construction_budget = 600;  // every word up to length 8 (511 binary words)
  const auto checks =
      check_constructions(default_programs_dir(), {"dyck:k=1", "majority"}, {"saturated", "hard_right"}, o);
  // dyck1.sat, majority.sat, majority_margin.sat in both modes (sorted by file name).
  ASSERT_EQ(checks.size(), 6u);
  EXPECT_EQ(checks[0].program, "dyck1.sat");
  EXPECT_EQ(checks[0].mode, "saturated");
  EXPECT_EQ(checks[0].verified_length, 8);
  EXPECT_TRUE(checks[0].exact);
  EXPECT_EQ(checks[2].program, "majority.sat");
  EXPECT_EQ(checks[2].mode, "saturated");
  EXPECT_TRUE(checks[2].exact);
  EXPECT_EQ(checks[3].mode, "hard_right");
  EXPECT_FALSE(checks[3].exact);
  EXPECT_FALSE(checks[3].counterexample.empty());

  const Theory wrong = parse_theory(R"Y(references: {x: "X 2000 (wrong on purpose)"}
languages:
  dyck1:
    specs: [dyck:k=1]
    hard: {verdict: no, says: "-", refs: [x]}
    saturated: {verdict: no, says: "claims it cannot", refs: [x]}
    softmax: {verdict: yes, says: "-", refs: [x]}
)Y",
                                    "wrong.yaml");
  CapacityRow r;
  r.language = "dyck:k=1";
  r.mode = "saturated";
  std::vector<CapacityRow> rows{r};
  annotate_capacity(rows, wrong, checks, o);
  ASSERT_EQ(rows[0].constructions.size(), 1u);
  EXPECT_EQ(rows[0].contradiction, "dyck1.sat is exact up to 8");
  rows[0].mode = "hard_right";  // dyck1.sat in hard_right: whatever it decides, the theory's "no" is only contradicted when exact
  annotate_capacity(rows, wrong, checks, o);
  EXPECT_EQ(rows[0].contradiction.empty(), !rows[0].constructions.at(0).exact);
}

TEST(Capacity, EqualsWhatTheSuiteRecorded) {
  const fs::path out = fs::temp_directory_path() / "saturn_capacity_test";
  fs::remove_all(out);
  const auto file = parse_task_file(kFile, "t.yaml", {}, 0, "s");
  std::vector<const RunPoint*> runs{file.runs("s")[0]};  // the language run only (fast)
  SuiteOptions o;
  o.out = out;
  o.progress = false;
  ASSERT_EQ(run_suite("s", runs, o).ran, 1u);
  const auto done = complete_runs(runs, out);
  ASSERT_EQ(done.size(), 1u);
  const auto rows = capacity_rows(done);
  ASSERT_EQ(rows.size(), 3u);
  const auto& s = done[0].summary;
  std::size_t k = 0;
  for (const auto& r : rows) {
    ASSERT_EQ(r.splits.size(), 2u);
    for (std::size_t i = 0; i < r.splits.size(); ++i, ++k) {
      EXPECT_EQ(s["rows"][k]["mode"] == "hard" ? std::string("hard_left") : s["rows"][k]["mode"].get<std::string>(), r.mode);
      EXPECT_EQ(s["rows"][k]["accuracy"].get<double>(), r.splits[i].accuracy);
    }
    EXPECT_EQ(r.verified_length, 4);
    EXPECT_EQ(r.exact, s["scalars"]["exact_" + r.splits[0].mode].get<double>() == 1.0);
    if (!r.exact) {
      EXPECT_FALSE(r.counterexample.empty());
      EXPECT_LE(r.counterexample == "ε" ? 0u : r.counterexample.size(), 4u);
    }
  }
  // The files: capacity.csv has a line per row x split, capacity.md the table.
  write_capacity(rows, Theory{}, out);
  std::ifstream csv(out / "capacity.csv");
  std::size_t lines = 0;
  for (std::string l; std::getline(csv, l);) ++lines;
  EXPECT_EQ(lines, 1u + 6u);
  EXPECT_TRUE(fs::exists(out / "capacity.md"));
  fs::remove_all(out);
}

}  // namespace
}  // namespace saturn
