// The per-prefix target conventions of Bhattamishra et al. 2020 (harness/kinds/language/
// bhattamishra_targets.h) on hand-written strings, each row written out from their generators'
// rules (src/utils/*_generator.py), the claims of the header checked over every member up to a
// length, the batches built from them, and the task-file keys with their located errors.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/enumerate.h"
#include "harness/kinds/language/batches.h"
#include "harness/kinds/language/bhattamishra_targets.h"
#include "harness/kinds/language/train.h"
#include "languages/registry.h"
#include "tests/harness/task_file_problems.h"

namespace saturn {
namespace {

// Targets of `text` under convention c, as one string per row ("10", "011", ...).
std::vector<std::string> rows(const std::string& spec, TargetConvention c, const std::string& text) {
  const auto lang = make_language(spec);
  const Word w = lang->alphabet().parse(text);
  const auto y = prefix_targets(c, *lang, w);
  const int O = target_outputs(c, *lang);
  std::vector<std::string> out;
  for (std::size_t t = 0; t <= w.size(); ++t) {
    std::string r;
    for (int o = 0; o < O; ++o) r += y[t * static_cast<std::size_t>(O) + static_cast<std::size_t>(o)] > 0.5f ? '1' : '0';
    out.push_back(r);
  }
  return out;
}
using Rows = std::vector<std::string>;

// Calls f on every word of length n over A symbols (lexicographic).
template <class F>
void for_each_word(int A, int n, F f) {
  Word w(static_cast<std::size_t>(n), 0);
  do f(WordView(w));
  while (next_word(A, w));
}

TEST(BhattamishraTargets, DyckHasNoEndBit) {
  // Dyck-1 "(()": '(' always allowed; ')' while the stack is not empty. Row 0 is the empty prefix.
  EXPECT_EQ(rows("dyck:k=1", TargetConvention::allowed, "(()"), (Rows{"10", "11", "11", "11"}));
  EXPECT_EQ(rows("dyck:k=1", TargetConvention::allowed, "()"), (Rows{"10", "11", "10"}));
  // Dyck-2 "([": every open bracket, and only the closing bracket of the top of the stack.
  EXPECT_EQ(rows("dyck:k=2", TargetConvention::allowed, "(["), (Rows{"1010", "1110", "1011"}));
  // Bounded depth (their D_2 over a, b): depth 0 -> a only, 0 < depth < 2 -> both, depth 2 -> b only.
  EXPECT_EQ(rows("dyck:k=1,depth=2", TargetConvention::allowed, "(())"), (Rows{"10", "11", "01", "11", "10"}));
}

TEST(BhattamishraTargets, ShuffleDyckOpensAlwaysClosesByItsOwnCounter) {
  EXPECT_EQ(rows("shuffle_dyck:k=2", TargetConvention::allowed, "([)]"), (Rows{"1010", "1110", "1111", "1011", "1010"}));
}

TEST(BhattamishraTargets, CounterLanguagesEndWithTheTerminationSymbol) {
  // a^n b^n: after a^i both a and b; after a^n b^j (j < n) only b; after a^n b^n only T.
  EXPECT_EQ(rows("anbn", TargetConvention::end_symbol, "aabb"), (Rows{"101", "110", "110", "010", "001"}));
  // a^n b^n c^n, n = 1: after "a" a or b, after "ab" only c, then T.
  EXPECT_EQ(rows("anbncn", TargetConvention::end_symbol, "abc"), (Rows{"1001", "1100", "0010", "0001"}));
}

TEST(BhattamishraTargets, TomitaAvoidsTheirDeadStates) {
  // Tomita 3 (columns '0', '1'): their dead_states {q3, q4} hold q3 = "odd run of 1s, then an odd
  // run of 0s", so after "1" the '0' is not allowed although 100 is a member; after "10" only '0'.
  EXPECT_EQ(rows("tomita:n=3", TargetConvention::dead_state, "100"), (Rows{"11", "01", "10", "01"}));
  // Tomita 2 = (10)*: dead_states {q2} is the sink; after "1" the '0' leads to the member "10".
  EXPECT_EQ(rows("tomita:n=2", TargetConvention::dead_state, "1010"), (Rows{"01", "10", "01", "10", "01"}));
  // Tomita 4 (no 000): after "00" only '1'.
  EXPECT_EQ(rows("tomita:n=4", TargetConvention::dead_state, "0010"), (Rows{"11", "11", "01", "11", "11"}));
  // Tomita 1 = 1*.
  EXPECT_EQ(rows("tomita:n=1", TargetConvention::dead_state, "11"), (Rows{"01", "01", "01"}));
}

TEST(BhattamishraTargets, ParityAaStarAndTomita56ArePrefixMembership) {
  // Their parity: an even number of 1s (Saturn: modcount:m=2,r=0); rows [not member, member].
  EXPECT_EQ(rows("modcount:m=2,r=0", TargetConvention::membership, "0110"), (Rows{"01", "01", "10", "01", "01"}));
  EXPECT_EQ(rows("aa_star", TargetConvention::membership, "aaaa"), (Rows{"01", "10", "01", "10", "01"}));
  // Tomita 5: even number of 0s and of 1s.
  EXPECT_EQ(rows("tomita:n=5", TargetConvention::membership, "0101"), (Rows{"01", "10", "10", "10", "01"}));
  // Tomita 6: #0 - #1 divisible by 3.
  EXPECT_EQ(rows("tomita:n=6", TargetConvention::membership, "000"), (Rows{"01", "10", "10", "01"}));
}

TEST(BhattamishraTargets, NextSymbolsAndEndSymbolAreTheLanguagesNextSymbols) {
  for (const char* spec : {"anbn", "dyck:k=2", "tomita:n=3"}) {
    const auto lang = make_language(spec);
    const int sigma = lang->alphabet().size();
    for (int n = 0; n <= 8; ++n)
      for_each_word(lang->alphabet().size(), n, [&](WordView w) {
        if (!lang->contains(w)) return;
        const auto y = prefix_targets(TargetConvention::end_symbol, *lang, w);
        EXPECT_EQ(y, prefix_targets(TargetConvention::next_symbols, *lang, w));
        for (std::size_t t = 0; t <= w.size(); ++t) {
          const auto ns = lang->next_symbols(w.first(t));
          for (int a = 0; a < sigma; ++a)
            EXPECT_EQ(y[t * static_cast<std::size_t>(sigma + 1) + static_cast<std::size_t>(a)] > 0.5f, ns.allows(static_cast<Symbol>(a)));
          EXPECT_EQ(y[t * static_cast<std::size_t>(sigma + 1) + static_cast<std::size_t>(sigma)] > 0.5f, ns.is_member);
        }
      });
  }
}

// The header's claim: for Tomita 1, 4, 7 the only non-accepting state is the sink, so "the next
// state is accepting" and "the next state is live" agree; for Tomita 2 the convention is "live",
// for Tomita 3 "accepting" (and the two differ somewhere).
TEST(BhattamishraTargets, DeadStateRulesOverEveryMemberUpToLength10) {
  for (int n : {1, 2, 3, 4, 7}) {
    const auto lang = make_language("tomita:n=" + std::to_string(n));
    long differs = 0;
    for (int len = 0; len <= 10; ++len)
      for_each_word(2, len, [&](WordView w) {
        if (!lang->contains(w)) return;
        const auto y = prefix_targets(TargetConvention::dead_state, *lang, w);
        for (std::size_t t = 0; t <= w.size(); ++t)
          for (Symbol a = 0; a < 2; ++a) {
            Word next(w.begin(), w.begin() + static_cast<long>(t));
            next.push_back(a);
            const bool live = lang->next_symbols(w.first(t)).allows(a), accepting = lang->contains(next);
            const bool got = y[2 * t + a] > 0.5f;
            EXPECT_EQ(got, n == 2 ? live : accepting) << n << " " << lang->alphabet().to_string(w) << " " << t;
            differs += live != accepting;
          }
      });
    if (n == 2 || n == 3) EXPECT_GT(differs, 0) << n;
    else EXPECT_EQ(differs, 0) << n;
  }
}

TEST(BhattamishraTargets, OutputsAndWhereDeadStateApplies) {
  EXPECT_EQ(target_outputs(TargetConvention::allowed, *make_language("shuffle_dyck:k=4")), 8);
  EXPECT_EQ(target_outputs(TargetConvention::end_symbol, *make_language("counter:m=4")), 5);
  EXPECT_EQ(target_outputs(TargetConvention::membership, *make_language("aa_star")), 2);
  EXPECT_EQ(target_outputs(TargetConvention::dead_state, *make_language("tomita:n=7")), 2);
  EXPECT_NO_THROW(check_target_convention(TargetConvention::dead_state, *make_language("tomita:n=7")));
  EXPECT_THROW(check_target_convention(TargetConvention::dead_state, *make_language("tomita:n=5")), Error);
  EXPECT_THROW(check_target_convention(TargetConvention::dead_state, *make_language("dyck:k=1")), Error);
}

TEST(BhattamishraTargets, BatchesCarryTheConventionAndPassInOrder) {
  const auto f = parse_task_file(R"(
tasks:
  t3:
    language: tomita:n=3
    objective: next_symbols
    targets: dead_state
    epochs: 2
    train: {lengths: 2..6, size: 5}
    training: {batch_size: 2}
)",
                                 "t.yaml");
  const auto& task = language_spec(f.task("t3"));
  EXPECT_EQ(task.targets, TargetConvention::dead_state);
  EXPECT_EQ(task.epochs, 2);
  const auto lang = make_language(task.language);
  const ModelConfig c = model_config_for(task, *lang);
  EXPECT_EQ(c.n_outputs, 2);
  Split split{"train", {2, 6}, {}};
  for (const char* s : {"100", "11", "0000", "110", "01"}) split.examples.push_back({lang->alphabet().parse(s), true});
  const SplitDataSource data(c, *lang, split, 2, 1, task.targets, true);
  EXPECT_EQ(data.batches_per_epoch(), 3);
  Batch b;
  data.batch(0, b);  // "100", "11"
  ASSERT_EQ(b.size(), 2);
  EXPECT_EQ(b.targets, (std::vector<float>{1, 1, 0, 1, 1, 0, 0, 1, /* 11 */ 1, 1, 0, 1, 1, 1}));
  data.batch(2, b);  // the short last batch: "01"
  EXPECT_EQ(b.size(), 1);
  data.batch(4, b);  // the second pass starts over: batch 1 = "0000", "110"
  EXPECT_EQ(b.size(), 2);
  EXPECT_EQ(b.length(0), 5);
  EXPECT_EQ(training_steps(task, split.examples.size()), 2 * 3);
}

TEST(BhattamishraTargets, TaskFileErrorsAreLocated) {
  const std::string head = "tasks:\n  a:\n    language: tomita:n=5\n    objective: next_symbols\n    train: {lengths: 2..6, size: 3}\n";
  EXPECT_EQ(first_problem(head + "    targets: dead_state\n"),
            "t.yaml:6:14: field 'tasks.a.targets': targets dead_state follows the Tomita DFAs of Bhattamishra et al. "
            "2020 and applies to tomita:n=1, 2, 3, 4 or 7 only, not tomita:n=5");
  EXPECT_EQ(first_problem(head + "    targets: ends\n"),
            "t.yaml:6:14: field 'tasks.a.targets': 'ends' is not a target convention (next_symbols, end_symbol, "
            "allowed, dead_state, membership)");
  EXPECT_EQ(first_problem(head + "    epochs: 0\n"), "t.yaml:6:13: field 'tasks.a.epochs': must be positive");
  EXPECT_EQ(first_problem("tasks:\n  a:\n    language: tomita:n=5\n    train: {lengths: 2..6, size: 3}\n    targets: membership\n"),
            "t.yaml:5:14: field 'tasks.a.targets': targets membership needs objective next_symbols");
  EXPECT_EQ(first_problem(head + "    targets: membership\n    analysis: {verify_length: 4}\n"),
            "t.yaml:6:14: field 'tasks.a.targets': analysis.verify_length decides strings by the next_symbols acceptance "
            "rule; it does not apply with targets membership");
}

}  // namespace
}  // namespace saturn
