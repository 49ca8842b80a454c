// The hand-built saturated transformers recognize their languages exactly (exhaustively up to
// length 14, sampled up to 200) in saturated mode; hard attention fails majority.
#include "saturated_transformer/constructions.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/parallel.h"
#include "languages/registry.h"
#include "saturated_transformer/evaluator.h"
#include "saturated_transformer/verifier.h"

namespace saturn {
namespace {

class ConstructionTest : public ::testing::TestWithParam<int> {};

TEST_P(ConstructionTest, PassesExhaustiveVerificationInSaturatedMode) {
  const auto c = all_constructions()[static_cast<std::size_t>(GetParam())];
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

INSTANTIATE_TEST_SUITE_P(All, ConstructionTest, ::testing::Range(0, 4),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return all_constructions()[static_cast<std::size_t>(info.param)].name;
                         });

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
  const auto c = build_majority();
  const auto lang = make_language("majority");
  VerifyOptions o;
  o.max_length = 6;
  o.mode = EvalMode::hard();
  const auto r = verify(c.weights, *lang, o);
  EXPECT_FALSE(r.exact());
  ASSERT_FALSE(r.exhaustive.false_reject_examples.empty());
  EXPECT_EQ(r.exhaustive.false_reject_examples.front().word, "1");
}

TEST(Construction, MajorityAlsoWorksWithSoftmax) {
  const auto c = build_majority();
  const auto lang = make_language("majority");
  VerifyOptions o;
  o.max_length = 12;
  o.mode = EvalMode::softmax();
  EXPECT_TRUE(verify(c.weights, *lang, o).exact());
}

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
