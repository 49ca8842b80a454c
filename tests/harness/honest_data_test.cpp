// Honest data (issue 11 §4): no negative is rejectable by its length alone, and the requested
// member / non-member and near-miss / uniform mix is exact. Checked on every language task of the
// quick suite of tasks.yaml, on hand-built splits with odd sizes and fractions, with the length
// shortcut allowed, and through the survey's histograms.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/parallel.h"
#include "harness/kinds/language/splits.h"
#include "harness/kinds/language/survey.h"
#include "harness/length_range.h"
#include "harness/task_file.h"
#include "languages/registry.h"
#include "tests/harness/task_file_problems.h"

namespace saturn {
namespace {

struct KindCounts {
  int members = 0, near = 0, uniform = 0;
  int negatives() const { return near + uniform; }
};

std::map<int, KindCounts> by_length(const Split& split) {
  std::map<int, KindCounts> h;
  for (const auto& ex : split.examples) {
    auto& c = h[static_cast<int>(ex.word.size())];
    if (ex.kind == ExampleKind::member) ++c.members;
    else if (ex.kind == ExampleKind::near_miss) ++c.near;
    else ++c.uniform;
  }
  return h;
}

// Labels, kinds and lengths of a split against the language's oracle.
void expect_labels(const Language& lang, const Split& split) {
  for (const auto& ex : split.examples) {
    ASSERT_EQ(lang.contains(ex.word), ex.member) << lang.spec() << " " << split.name;
    ASSERT_EQ(ex.member, ex.kind == ExampleKind::member) << lang.spec() << " " << split.name;
    ASSERT_GE(static_cast<int>(ex.word.size()), split.lengths.lo);
    ASSERT_LE(static_cast<int>(ex.word.size()), split.lengths.hi);
  }
}

KindCounts totals(const Split& split) {
  KindCounts t;
  for (const auto& [n, c] : by_length(split)) t.members += c.members, t.near += c.near, t.uniform += c.uniform;
  return t;
}

// The acceptance test of the issue: for every task of the quick suite, every negative has a length
// at which members exist, negatives and positives have the same per-length counts, and the
// near-miss / uniform mix is the one asked for, exactly.
TEST(HonestData, EveryQuickSuiteTaskPairsNegativesWithPositivesOfTheirLength) {
  const auto file = load_task_file(std::string(SATURN_SOURCE_DIR) + "/tasks.yaml", {}, 0, "quick");
  int language_tasks = 0;
  for (const Task* task : file.suite("quick")) {
    const TaskSpec* t = language_spec(task->runner.get());
    if (!t) continue;
    const auto lang = make_language(t->language);
    for (const auto& split : make_task_splits(*lang, *t)) {
      expect_labels(*lang, split);
      const auto total = totals(split);
      if (t->objective != Objective::recognize) {
        EXPECT_EQ(total.negatives(), 0) << t->name << " " << split.name;
        continue;
      }
      ASSERT_FALSE(t->negatives.length_shortcut) << t->name;
      const int n = static_cast<int>(split.examples.size());
      ASSERT_EQ(n % 2, 0) << t->name << ": the quick suite's splits have even sizes";
      EXPECT_EQ(total.members, static_cast<int>(std::llround(n * t->positive_fraction))) << t->name << " " << split.name;
      EXPECT_EQ(total.near, static_cast<int>(std::llround(total.negatives() * t->negatives.near_miss)))
          << t->name << " " << split.name;
      for (const auto& [len, c] : by_length(split)) {
        EXPECT_GT(lang->count(len), 0) << t->name << " " << split.name << ": negatives at length " << len;
        EXPECT_EQ(c.members, c.negatives()) << t->name << " " << split.name << " length " << len;
      }
    }
    ++language_tasks;
  }
  EXPECT_GE(language_tasks, 11);  // the suite's language tasks were all looked at
}

SplitOptions options(const char* range, int size, double positive, NegativeMix mix, std::uint64_t split_id = 0) {
  SplitOptions o;
  o.lengths = parse_length_range(range);
  o.size = size;
  o.positive_fraction = positive;
  o.negatives = mix;
  o.seed = 5;
  o.split_id = split_id;
  return o;
}

// Odd sizes and unbalanced fractions: the counts are the rounded ones, exactly; the near misses are
// spread evenly over the negatives; every negative still sits at a length with members.
TEST(HonestData, ExactMixForAnySizeAndFraction) {
  struct Case {
    const char* spec;
    const char* range;
    int size;
    double positive;
    NegativeMix mix;
  };
  for (const Case& c : {Case{"dyck:k=1", "2..30", 101, 0.5, {0.5, 0.5}}, Case{"dyck:k=2", "1..25", 77, 0.3, {0.25, 0.75}},
                        Case{"anbncn", "1..40", 60, 0.8, {1.0, 0.0}}, Case{"majority", "1..12", 33, 0.5, {0.0, 1.0}},
                        Case{"tomita:n=2", "1..20", 90, 0.0, {0.4, 0.6}}}) {
    const auto lang = make_language(c.spec);
    const auto o = options(c.range, c.size, c.positive, c.mix);
    const auto split = make_split(*lang, o, "train");
    expect_labels(*lang, split);
    const auto plan = plan_split(o);
    const auto total = totals(split);
    const int positives = static_cast<int>(std::llround(c.size * c.positive));
    EXPECT_EQ(total.members, positives) << c.spec;
    EXPECT_EQ(plan.positives, positives) << c.spec;
    EXPECT_EQ(total.negatives(), c.size - positives) << c.spec;
    EXPECT_EQ(total.near, static_cast<int>(std::llround((c.size - positives) * c.mix.near_miss))) << c.spec;
    EXPECT_EQ(total.near, plan.near_misses) << c.spec;
    for (const auto& [len, k] : by_length(split)) EXPECT_GT(lang->count(len), 0) << c.spec << " length " << len;
    // Pairs: example 2j is a member and 2j+1 a non-member of the same length.
    for (int j = 0; j < plan.pairs; ++j) {
      const auto& m = split.examples[static_cast<std::size_t>(2 * j)];
      const auto& x = split.examples[static_cast<std::size_t>(2 * j + 1)];
      EXPECT_TRUE(m.member && !x.member) << c.spec << " pair " << j;
      EXPECT_EQ(m.word.size(), x.word.size()) << c.spec << " pair " << j;
    }
    // Evenly spread: among the first k negatives, exactly floor(k NM / Q) are near misses.
    int seen = 0, near = 0;
    for (const auto& ex : split.examples) {
      if (ex.member) continue;
      ++seen;
      near += ex.kind == ExampleKind::near_miss;
      EXPECT_EQ(near, seen * plan.near_misses / plan.negatives) << c.spec;
    }
  }
}

// dyck1 with the old behaviour's shortcut allowed: uniform negatives may sit at odd lengths (and
// some do), near misses never do; members only at even lengths; the mix is still exact.
TEST(HonestData, LengthShortcutAllowedOnlyWhenAskedFor) {
  const auto lang = make_language("dyck:k=1");
  NegativeMix mix{0.5, 0.5, true};
  const auto split = make_split(*lang, options("2..50", 400, 0.5, mix), "train");
  expect_labels(*lang, split);
  int odd_uniform = 0;
  for (const auto& [len, c] : by_length(split)) {
    if (len % 2 == 1) {
      EXPECT_EQ(c.members + c.near, 0) << "length " << len;
      odd_uniform += c.uniform;
    }
  }
  EXPECT_GT(odd_uniform, 20);  // about half of the 100 uniform negatives (24 of the 49 lengths are odd)
  const auto total = totals(split);
  EXPECT_EQ(total.members, 200);
  EXPECT_EQ(total.near, 100);
  EXPECT_EQ(total.uniform, 100);
  mix.length_shortcut = false;
  for (const auto& [len, c] : by_length(make_split(*lang, options("2..50", 400, 0.5, mix), "train"))) {
    EXPECT_EQ(len % 2, 0);
    EXPECT_EQ(c.members, c.negatives()) << "length " << len;
  }
}

// (aa)* over {a}: every length holds one string, a member or not, so recognition needs the shortcut;
// without it the task file is refused with the field named.
TEST(HonestData, TaskWithoutSharedLengthsIsRefusedUnlessShortcutAllowed) {
  EXPECT_EQ(first_problem("tasks:\n  a:\n    language: aa_star\n    train: {lengths: 1..9, size: 4}\n"),
            "t.yaml:4:22: field 'tasks.a.train.lengths': aa_star has no length in 1..9 with both members and "
            "non-members: negatives are drawn at lengths with members unless negatives.length_shortcut is allowed");
  EXPECT_EQ(first_problem("tasks:\n  a:\n    language: aa_star\n    train: {lengths: 1..9, size: 4}\n"
                          "    negatives: {uniform: 1, length_shortcut: allowed}\n"),
            "");
  EXPECT_EQ(first_problem("tasks:\n  a:\n    language: aa_star\n    train: {lengths: 1..9, size: 4}\n"
                          "    negatives: {uniform: 1, near_miss: 1, length_shortcut: allowed}\n"),
            "t.yaml:4:22: field 'tasks.a.train.lengths': aa_star has no length in 1..9 with both members and "
            "non-members, where near misses are drawn");
  EXPECT_EQ(first_problem("tasks:\n  a:\n    language: anbn\n    train: {lengths: 2..9, size: 4}\n"
                          "    negatives: {uniform: 1, length_shortcut: maybe}\n"),
            "t.yaml:5:46: field 'tasks.a.negatives.length_shortcut': 'maybe' is not allowed or forbidden");
  const auto f = parse_task_file("tasks:\n  a:\n    language: aa_star\n    train: {lengths: 1..9, size: 40}\n"
                                 "    negatives: {uniform: 1, length_shortcut: allowed}\n",
                                 "t.yaml");
  const auto& t = language_spec(f.task("a"));
  EXPECT_TRUE(t.negatives.length_shortcut);
  const auto lang = make_language("aa_star");
  const auto split = make_task_splits(*lang, t).front();
  expect_labels(*lang, split);
  EXPECT_EQ(totals(split).members, 20);
}

// Only length 190 of this language has one non-member (b^190) among 2^190 words: random edits of
// random members never reach it (and its neighbourhoods are too large to list, language.h), so a
// near miss drawn there redraws its pair's length (188 and 189 hold words ending in b as
// non-members, easy to reach). With 190 the only length, the split fails.
TEST(HonestData, NearMissNotFoundRedrawsTheLength) {
  const std::string b190(190, 'b'), dots(190, '.');
  const auto lang = make_language("or(regex:pattern=(a|b)*a;and(not(regex:pattern=" + b190 +
                                  ",alphabet=ab);regex:pattern=" + dots + ",alphabet=ab))");
  ASSERT_TRUE(lang->count_nonmembers(190) == 1);
  const auto split = make_split(*lang, options("188..190", 12, 0.5, {0.0, 1.0}), "train");
  expect_labels(*lang, split);
  for (const auto& [len, c] : by_length(split)) {
    EXPECT_NE(len, 190) << "a pair at length 190 would need b^190 as its near miss";
    EXPECT_EQ(c.members, c.near) << "length " << len;
  }
  EXPECT_THROW(make_split(*lang, options("190..190", 2, 0.5, {0.0, 1.0}), "train"), Error);
}

TEST(HonestData, PairedSplitIsTheSameForAnyThreadCount) {
  const auto lang = make_language("shuffle_dyck:k=2");
  std::vector<std::vector<std::pair<Word, ExampleKind>>> runs;
  for (int threads : {1, 2, 7}) {
    ThreadLimit limit(threads);
    std::vector<std::pair<Word, ExampleKind>> v;
    for (const auto& ex : make_split(*lang, options("2..40", 301, 0.4, {0.3, 0.7}, 3), "t").examples)
      v.emplace_back(ex.word, ex.kind);
    runs.push_back(v);
  }
  EXPECT_EQ(runs[0], runs[1]);
  EXPECT_EQ(runs[0], runs[2]);
}

// The survey's histograms count what the splits hold; the shortcut shows as negatives at lengths
// without members, in the text (marked *), the JSON and the CSV.
TEST(HonestData, SurveyShowsLengthAndKindHistogramsPerSplit) {
  TaskSpec t;
  t.name = "d1";
  t.language = "dyck:k=1";
  t.train = {parse_length_range("2..12"), 40};
  t.test_bins = {{parse_length_range("14..20"), 20}};
  t.negatives = {0.5, 0.5};
  auto s = survey_task(t);
  ASSERT_EQ(s.splits.size(), 2u);
  for (const auto& sp : s.splits) {
    EXPECT_EQ(sp.negatives_without_members, 0);
    int members = 0, near = 0, uniform = 0;
    for (const auto& [len, c] : sp.histogram) {
      EXPECT_TRUE(c.has_members);
      EXPECT_EQ(c.members, c.negatives()) << sp.name << " length " << len;
      members += c.members, near += c.near_misses, uniform += c.uniform;
    }
    EXPECT_EQ(members, sp.members);
    EXPECT_EQ(near, sp.near_misses);
    EXPECT_EQ(uniform, sp.uniform);
    EXPECT_EQ(members, sp.size / 2);
    EXPECT_EQ(near, sp.size / 4);
  }
  const auto text = survey_text({s});
  EXPECT_NE(text.find("d1 train (dyck:k=1): 40 strings: 20 members, 20 non-members (10 near misses, 10 uniform); 0 "
                      "non-members at lengths without members\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find('*'), std::string::npos) << text;

  t.negatives.length_shortcut = true;
  s = survey_task(t);
  EXPECT_GT(s.splits[0].negatives_without_members, 0);
  EXPECT_NE(survey_text({s}).find("(marked *)"), std::string::npos);
  const auto csv = survey_csv({s});
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "task,language,split,length,has_members,members,near_miss,uniform");
  const auto j = nlohmann::json::parse(survey_json({s}));
  ASSERT_EQ(j.size(), 1u);
  int csv_without = 0, json_without = 0;
  for (const auto& h : j[0]["splits"][0]["histogram"])
    if (!h["has_members"].get<bool>()) json_without += h["uniform"].get<int>() + h["near_miss"].get<int>();
  EXPECT_EQ(json_without, s.splits[0].negatives_without_members);
  EXPECT_EQ(j[0]["splits"][0]["negatives_without_members"].get<int>(), json_without);
  // CSV rows of the train split at odd lengths: has_members 0, no members, no near misses.
  std::size_t pos = csv.find('\n') + 1;
  while (pos < csv.size()) {
    const auto line = csv.substr(pos, csv.find('\n', pos) - pos);
    pos += line.size() + 1;
    if (line.rfind("d1,dyck:k=1,train,", 0) != 0) continue;
    int len = 0, has = 0, m = 0, nm = 0, u = 0;
    ASSERT_EQ(std::sscanf(line.c_str(), "d1,dyck:k=1,train,%d,%d,%d,%d,%d", &len, &has, &m, &nm, &u), 5) << line;
    EXPECT_EQ(has, len % 2 == 0 ? 1 : 0) << line;
    if (!has) {
      EXPECT_EQ(m + nm, 0) << line;
      csv_without += u;
    }
  }
  EXPECT_EQ(csv_without, s.splits[0].negatives_without_members);
}

}  // namespace
}  // namespace saturn
