// Each malformed tasks.yaml case gives its expected one-line message (file, line, column, field).
#include "harness/task_file.h"
#include "tests/harness/task_file_problems.h"

#include <gtest/gtest.h>

#include <string>

namespace saturn {
namespace {

const char* kGood = R"(
tasks:
  d:
    language: dyck:k=1
    train: {lengths: 2..10, size: 20}
    test: {bins: [12..20, 22..30], size: 10}
    negatives: {uniform: 1, near_miss: 3}
    seed: 5
suites:
  quick: [d]
)";

TEST(TaskFile, ParsesAGoodFile) {
  const auto f = parse_task_file(kGood, "t.yaml");
  ASSERT_EQ(f.tasks.size(), 1u);
  const auto& t = language_spec(f.task("d"));
  EXPECT_EQ(t.language, "dyck:k=1");
  EXPECT_EQ(t.train.lengths, (LengthRange{2, 10}));
  EXPECT_EQ(t.train.size, 20);
  ASSERT_EQ(t.test_bins.size(), 2u);
  EXPECT_EQ(t.test_bins[1].lengths, (LengthRange{22, 30}));
  EXPECT_DOUBLE_EQ(t.negatives.near_miss, 0.75);
  EXPECT_EQ(t.seed, 5u);
  EXPECT_EQ(f.suite("quick").size(), 1u);
  EXPECT_EQ(t.line, 3);
}

TEST(TaskFile, DefaultsFillMissingKeys) {
  const auto f = parse_task_file(R"(
defaults: {seed: 9, objective: next_symbols}
tasks:
  a: {language: anbn, train: {lengths: 2..10, size: 5}}
)",
                                 "t.yaml");
  EXPECT_EQ(f.task("a").seed, 9u);
  EXPECT_EQ(language_spec(f.task("a")).objective, Objective::next_symbols);
}

struct BadCase {
  const char* yaml;
  const char* expected;
};

class MalformedTaskFile : public ::testing::TestWithParam<BadCase> {};

TEST_P(MalformedTaskFile, GivesItsMessage) { EXPECT_EQ(first_problem(GetParam().yaml), GetParam().expected); }

INSTANTIATE_TEST_SUITE_P(
    Cases, MalformedTaskFile,
    ::testing::Values(
        BadCase{"tasks: [unclosed\n", "t.yaml:2:1: end of sequence flow not found"},
        BadCase{"tasks:\n  a:\n    language: nosuch\n    train: {lengths: 2..4, size: 3}\n",
                "t.yaml:3:15: field 'tasks.a.language': unknown language 'nosuch' (known: dyck, shuffle_dyck, anbn, "
                "anbncn, counter, parity, majority, aa_star, modcount, tomita, first, copy, reverse, palindrome, "
                "regex, dfa; and(A;B), or(A;B), not(A))"},
        BadCase{"tasks:\n  a:\n    language: anbn\n    train: {lengths: 9..3, size: 3}\n",
                "t.yaml:4:22: field 'tasks.a.train.lengths': length range '9..3' is empty (9 > 3)"},
        BadCase{"tasks:\n  a:\n    language: dyck:k=1\n    train: {lengths: 3..3, size: 3}\n",
                "t.yaml:4:22: field 'tasks.a.train.lengths': dyck:k=1 has no members with lengths 3"},
        BadCase{"tasks:\n  a:\n    language: anbn\n    train: {lengths: 2..4, size: -1}\n",
                "t.yaml:4:34: field 'tasks.a.train.size': must be positive"},
        BadCase{"tasks:\n  a:\n    language: anbn\n    train: {lengths: 2..4, size: 3}\n    colour: red\n",
                "t.yaml:5:5: field 'tasks.a.colour': unknown key (expected one of: kind, language, objective, train, "
                "test, negatives, positive_fraction, seed, model, optimizer, training, analysis, sweep, targets, epochs)"},
        BadCase{"tasks:\n  a:\n    language: anbn\n    train: {lengths: 2..4, size: 3}\n    objective: guess\n",
                "t.yaml:5:16: field 'tasks.a.objective': 'guess' is not an objective (recognize, next_symbols, lm)"},
        BadCase{"tasks:\n  a:\n    language: anbn\n    train: {lengths: two, size: 3}\n",
                "t.yaml:4:22: field 'tasks.a.train.lengths': 'two' is not a length range (expected N or A..B)"},
        BadCase{"tasks:\n  a:\n    language: anbn\n    train: {lengths: 2..4, size: 3}\nsuites:\n  quick: [a, b]\n",
                "t.yaml:6:14: field 'suites.quick[1]': no task named 'b'"},
        BadCase{"tasks:\n  a:\n    language: anbn\n", "t.yaml:3:5: field 'tasks.a.train': missing"}));

TEST(TaskFile, ModelOptimizerAndTrainingSections) {
  const auto f = parse_task_file(R"(
defaults:
  training: {steps: 10, batch_size: 4}
tasks:
  a:
    language: anbn
    train: {lengths: 2..10, size: 5}
    model: {d_model: 16, n_heads: 4, layer_norm: {attn: qk, mlp: true}, head: next_symbols, causal: true}
    optimizer: {kind: sgd, lr: 0.5, momentum: 0.9, groups: {attention: {lr_scale: 2}}}
    training: {schedule: cosine, warmup: 3}
)",
                                 "t.yaml", {"model.d_ff=48"});
  const auto& t = language_spec(f.task("a"));
  EXPECT_EQ(t.model.config.d_model, 16);
  EXPECT_EQ(t.model.config.d_ff, 48);
  EXPECT_EQ(t.model.config.layer_norm, LayerNormMode::custom);
  EXPECT_EQ(t.model.config.ln.attn, AttnLnPlace::qk);
  EXPECT_TRUE(t.model.config.ln.mlp);
  EXPECT_FALSE(t.model.config.ln.final);
  EXPECT_TRUE(t.model.head_set);
  EXPECT_TRUE(t.model.config.causal);
  EXPECT_EQ(t.optimizer.kind, OptimizerKind::sgd);
  EXPECT_DOUBLE_EQ(t.optimizer.groups[static_cast<std::size_t>(ParamGroup::attention)].lr_scale, 2.0);
  EXPECT_EQ(t.training.steps, 10);
  EXPECT_EQ(t.training.schedule.kind, Schedule::Kind::cosine);
  EXPECT_EQ(t.training.schedule.warmup, 3);
}

TEST(TaskFile, BadModelSectionsAreLocated) {
  EXPECT_EQ(first_problem("tasks:\n  a:\n    language: anbn\n    train: {lengths: 2..4, size: 3}\n    model: {d_model: 10, n_heads: 4}\n"),
            "t.yaml:5:12: field 'tasks.a.model.n_heads': 4 heads do not divide d_model = 10");
  EXPECT_EQ(first_problem("tasks:\n  a:\n    language: anbn\n    train: {lengths: 2..4, size: 3}\n    optimizer: {kind: lion}\n"),
            "t.yaml:5:23: field 'tasks.a.optimizer.kind': 'lion' is not one of sgd, adam, adamw, rmsprop");
}

// analysis.modes goes through EvalMode::parse: every attention mode is accepted, a bad one is
// located at its list entry with the parser's one-line message.
TEST(TaskFile, AnalysisModesAcceptEveryAttentionMode) {
  const auto f = parse_task_file(
      "tasks:\n  a:\n    language: anbn\n    train: {lengths: 2..4, size: 3}\n"
      "    analysis: {modes: [softmax, saturated, saturated:0.01, hard, hard_left, hard_right, scaled:8]}\n",
      "t.yaml");
  EXPECT_EQ(language_spec(f.task("a")).analysis.modes,
            (std::vector<std::string>{"softmax", "saturated", "saturated:0.01", "hard", "hard_left", "hard_right", "scaled:8"}));
  EXPECT_EQ(first_problem("tasks:\n  a:\n    language: anbn\n    train: {lengths: 2..4, size: 3}\n"
                          "    analysis: {modes: [hard_right, saturated:-0.5]}\n"),
            "t.yaml:5:36: field 'tasks.a.analysis.modes[1]': mode 'saturated:-0.5': '-0.5' is not a finite "
            "non-negative number");
}

TEST(TaskFile, ReportsEveryProblemAtOnce) {
  try {
    parse_task_file("tasks:\n  a: {language: nosuch, train: {lengths: 2..4, size: 3}}\n  b: {language: anbn}\n",
                    "t.yaml");
    FAIL() << "expected an error";
  } catch (const TaskFileError& e) {
    EXPECT_EQ(e.problems().size(), 2u);
  }
}

TEST(TaskFile, MissingFileIsReported) {
  try {
    load_task_file("/nonexistent/tasks.yaml");
    FAIL();
  } catch (const TaskFileError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/tasks.yaml: cannot open file");
  }
}

TEST(TaskFile, TheShippedTaskFileIsValid) {
  const auto f = load_task_file(std::string(SATURN_SOURCE_DIR) + "/tasks.yaml");
  EXPECT_FALSE(f.suite("quick").empty());
}

}  // namespace
}  // namespace saturn
