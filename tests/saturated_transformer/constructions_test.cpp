// Every hand-built saturated transformer of all_constructions() (the list `saturn constructions`
// writes) recognizes its language exactly (exhaustively up to length 14, sampled up to 200) in
// saturated mode, and every committed construction directory is on that list; hard attention
// fails majority.
#include "saturated_transformer/constructions.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <ostream>
#include <set>

#include "core/error.h"
#include "core/parallel.h"
#include "languages/registry.h"
#include "saturated_transformer/evaluator.h"
#include "saturated_transformer/verifier.h"

namespace saturn {

// Test names and failure messages show a construction by its name (not its bytes).
void PrintTo(const Construction& c, std::ostream* os) { *os << c.name << " (" << c.language << ")"; }

namespace {

class ConstructionTest : public ::testing::TestWithParam<Construction> {};

TEST_P(ConstructionTest, PassesExhaustiveVerificationInSaturatedMode) {
  const Construction& c = GetParam();
  const auto lang = make_language(c.language);
  VerifyOptions o;
  o.max_length = lang->alphabet().size() == 3 ? 11 : 14;
  o.long_samples = 40;
  o.long_min = 100;
  o.long_max = 200;
  const auto r = verify(c.weights, *lang, o);
  EXPECT_TRUE(r.exact()) << c.name << ": " << r.exhaustive.false_accepts << " false accepts, "
                         << r.exhaustive.false_rejects << " false rejects, first: "
                         << (r.exhaustive.false_accept_examples.empty() ? "" : r.exhaustive.false_accept_examples[0].word)
                         << " / "
                         << (r.exhaustive.false_reject_examples.empty() ? "" : r.exhaustive.false_reject_examples[0].word);
  EXPECT_GT(r.sampled.checked, 0u);
}

INSTANTIATE_TEST_SUITE_P(All, ConstructionTest, ::testing::ValuesIn(all_constructions()),
                         [](const ::testing::TestParamInfo<Construction>& info) { return info.param.name; });

TEST(Construction, EveryCommittedDirectoryIsOnTheList) {
  // A construction written to saturated_transformer/constructions/ but missing from
  // all_constructions() would escape the tests above; names must also be distinct.
  std::set<std::string> listed;
  for (const auto& c : all_constructions()) EXPECT_TRUE(listed.insert(c.name).second) << "duplicate " << c.name;
  EXPECT_GE(listed.size(), 4u);
  std::set<std::string> committed;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(SATURN_SOURCE_DIR) + "/saturated_transformer/constructions"))
    if (entry.is_directory()) committed.insert(entry.path().filename().string());
  EXPECT_EQ(committed, listed);
}

// The majority construction verified exhaustively up to `max_length` in `mode`.
VerifyReport verify_majority(EvalMode mode, int max_length) {
  VerifyOptions o;
  o.max_length = max_length;
  o.mode = mode;
  return verify(build_majority().weights, *make_language("majority"), o);
}

TEST(Construction, TrieWalkAndPlainEnumerationAgree) {
  const auto c = build_dyck1();
  const auto lang = make_language(c.language);
  VerifyOptions o;
  o.max_length = 10;
  o.mode = EvalMode::softmax();  // not exact: both walks must find the same errors
  const auto trie = verify(c.weights, *lang, o);
  o.use_trie = false;
  const auto flat = verify(c.weights, *lang, o);
  EXPECT_EQ(trie.exhaustive.checked, flat.exhaustive.checked);
  EXPECT_EQ(trie.exhaustive.false_accepts, flat.exhaustive.false_accepts);
  EXPECT_EQ(trie.exhaustive.false_rejects, flat.exhaustive.false_rejects);
  EXPECT_EQ(trie.exhaustive.false_accept_examples, flat.exhaustive.false_accept_examples);
  EXPECT_EQ(trie.exhaustive.checked, 2047u);
}

TEST(Construction, HardAttentionFailsMajority) {
  const auto r = verify_majority(EvalMode::hard(), 6);
  EXPECT_FALSE(r.exact());
  ASSERT_FALSE(r.exhaustive.false_reject_examples.empty());
  EXPECT_EQ(r.exhaustive.false_reject_examples.front().word, "1");
}

TEST(Construction, MajorityAlsoWorksWithSoftmax) { EXPECT_TRUE(verify_majority(EvalMode::softmax(), 12).exact()); }

TEST(Verifier, ResultsDoNotDependOnTheThreadCount) {
  const auto c = build_dyck1();
  const auto lang = make_language(c.language);
  VerifyOptions o;
  o.max_length = 12;
  o.mode = EvalMode::softmax();  // softmax is not exact here: plenty of errors to compare
  std::vector<VerifyReport> reports;
  for (int threads : {1, 2, 3}) {
    ThreadLimit limit(threads);
    reports.push_back(verify(c.weights, *lang, o));
  }
  ASSERT_GT(reports[0].exhaustive.errors(), 0u);
  for (const auto& r : reports) {
    EXPECT_EQ(r.exhaustive.false_accepts, reports[0].exhaustive.false_accepts);
    EXPECT_EQ(r.exhaustive.false_rejects, reports[0].exhaustive.false_rejects);
    EXPECT_EQ(r.exhaustive.false_accept_examples, reports[0].exhaustive.false_accept_examples);
    EXPECT_EQ(r.exhaustive.false_reject_examples, reports[0].exhaustive.false_reject_examples);
  }
}

TEST(Verifier, RejectsAModelOverAnotherAlphabet) {
  const auto c = build_majority();
  VerifyOptions o;
  EXPECT_THROW(verify(c.weights, *make_language("anbn"), o), Error);
}

}  // namespace
}  // namespace saturn

namespace saturn {
namespace {

TEST(Construction, CommittedModelDirectoriesMatchTheBuilders) {
  // saturated_transformer/constructions/<name> is written by `saturn constructions`.
  for (const auto& c : all_constructions()) {
    const auto loaded = load_model_weights(std::string(SATURN_SOURCE_DIR) + "/saturated_transformer/constructions/" + c.name);
    ASSERT_EQ(loaded.tensors.size(), c.weights.tensors.size()) << c.name;
    for (const auto& [name, t] : c.weights.tensors) EXPECT_EQ(loaded.at(name), t) << c.name << " " << name;
    const auto lang = make_language(c.language);
    VerifyOptions o;
    o.max_length = 8;
    EXPECT_TRUE(verify(loaded, *lang, o).exact()) << c.name;
  }
}

}  // namespace
}  // namespace saturn
