// The theory file (harness/theory.h): located problems, all reported at once; verdicts per mode
// family and positions; the shipped harness/theory.yaml is valid and covers every language of
// the capacity suite of tasks.yaml.
#include <gtest/gtest.h>

#include <map>

#include "harness/kinds/language/spec.h"
#include "harness/task_file.h"
#include "harness/theory.h"
#include "languages/registry.h"

namespace saturn {
namespace {

std::vector<std::string> problems_of(const std::string& text) {
  try {
    parse_theory(text, "th.yaml");
  } catch (const TaskFileError& e) {
    std::vector<std::string> out;
    for (const auto& p : e.problems()) out.push_back(p.what());
    return out;
  }
  return {};
}

TEST(Theory, ReportsEveryProblemWithFileLineAndField) {
  const auto problems = problems_of(R"Y(references:
  a: "A 2020 (title)"
languages:
  one:
    specs: [dyck:k=1, "nosuch:x=1"]
    hard: {verdict: maybe, says: "x", refs: [a]}
    saturated: {verdict: yes, says: "x", refs: [b]}
    softmax: {verdict: yes, says: "x", refs: [a], colour: red}
  two:
    specs: [dyck:k=1]
    hard: {verdict: no, refs: [a]}
    saturated: {verdict: yes, says: "x"}
  three:
    specs: []
extra: 1
)Y");
  const std::vector<std::string> expected{
      "th.yaml:15:1: field 'extra': unknown key (expected one of: references, languages)",
      "th.yaml:5:23: field 'languages.one.specs[1]'",  // the language registry's reason follows
      "th.yaml:6:21: field 'languages.one.hard.verdict': 'maybe' is not one of yes, no, with_positions, no_without_positions, open",
      "th.yaml:7:49: field 'languages.one.saturated.refs[0]': unknown reference 'b' (not in 'references')",
      "th.yaml:8:51: field 'languages.one.softmax.colour': unknown key (expected one of: verdict, says, refs, derived)",
      "th.yaml:10:13: field 'languages.two.specs[0]': 'dyck:k=1' is already covered by entry 'one'",
      "th.yaml:11:11: field 'languages.two.hard.says': missing (one line: the result or construction)",
      "th.yaml:12:16: field 'languages.two.saturated.refs': a verdict other than 'open' needs at least one reference",
      "th.yaml:10:5: field 'languages.two.softmax': missing (verdict, says, refs)",
      "th.yaml:14:12: field 'languages.three.specs': expected a non-empty list of language specs",
      "th.yaml:14:5: field 'languages.three.hard': missing (verdict, says, refs)",
  };
  // Each problem once: 14 (the three missing claims of `three` counted).
  EXPECT_EQ(problems.size(), expected.size() + 2) << ::testing::PrintToString(problems);
  ASSERT_GE(problems.size(), expected.size()) << ::testing::PrintToString(problems);
  for (const auto& e : expected) {
    bool found = false;
    for (const auto& p : problems) found = found || p.rfind(e, 0) == 0;
    EXPECT_TRUE(found) << "missing: " << e << "\ngot: " << ::testing::PrintToString(problems);
  }
}

TEST(Theory, SyntaxErrorIsLocated) {
  const auto problems = problems_of("references: {a: 1\nlanguages: [\n");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].rfind("th.yaml:", 0), 0u) << problems[0];
}

TEST(Theory, VerdictsPerFamilyAndPositions) {
  const Theory t = parse_theory(R"Y(references: {a: "A & B 2020 (title)", c: "C 2021"}
languages:
  x:
    specs: [aa_star]
    hard: {verdict: with_positions, says: "h", refs: [a]}
    saturated: {verdict: no_without_positions, says: "s", refs: [a, c], derived: true}
    softmax: {verdict: open, says: "o"}
)Y",
                                "th.yaml");
  const TheoryEntry* e = t.find("aa_star");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(t.find("parity"), nullptr);
  EXPECT_EQ(&e->claim(mode_family("hard_right")), &e->hard);
  EXPECT_EQ(e->claim(mode_family("hard")).says, "h");  // hard_left omitted: equal to hard
  EXPECT_EQ(&e->claim(mode_family("saturated:0.01")), &e->saturated);
  EXPECT_EQ(&e->claim(mode_family("temperature:4")), &e->softmax);
  EXPECT_EQ(effective_verdict(e->hard, true), Verdict::yes);
  EXPECT_EQ(effective_verdict(e->hard, false), Verdict::no);
  EXPECT_EQ(effective_verdict(e->saturated, true), Verdict::open);
  EXPECT_EQ(effective_verdict(e->saturated, false), Verdict::no);
  EXPECT_EQ(effective_verdict(e->softmax, false), Verdict::open);
  EXPECT_TRUE(e->saturated.derived);
  EXPECT_EQ(t.cite(e->saturated), "A & B 2020; C 2021");
  EXPECT_THROW(mode_family("bogus"), Error);
}

TEST(Theory, ShippedFileIsValidAndCoversTheCapacitySuite) {
  const Theory t = load_theory(default_theory_path());
  const auto file = load_task_file(std::string(SATURN_SOURCE_DIR) + "/tasks.yaml", {}, 0, "capacity");
  for (const Task* task : file.suite("capacity")) {
    const std::string spec = make_language(language_spec(*task).language)->spec();
    EXPECT_NE(t.find(spec), nullptr) << task->name << " (" << spec << ") has no theory entry";
  }
  // Every reference is cited by some claim (no dangling entries in `references`).
  std::map<std::string, int> cited;
  for (const auto& e : t.entries)
    for (const TheoryClaim* c : {&e.hard, &e.hard_left, &e.saturated, &e.softmax})
      for (const auto& r : c->refs) ++cited[r];
  for (const auto& [key, text] : t.references) EXPECT_GT(cited[key], 0) << key << " is never cited";
  for (const char* spec : {"majority", "dyck:k=2"}) EXPECT_NE(t.find(spec), nullptr) << spec;
}

}  // namespace
}  // namespace saturn
