#include "harness/kinds/language/splits.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/parallel.h"
#include "languages/registry.h"

namespace saturn {
namespace {

SplitOptions options(LengthRange r, int size, NegativeMix mix = {0.5, 0.5}) {
  SplitOptions o;
  o.lengths = r;
  o.size = size;
  o.negatives = mix;
  o.seed = 11;
  return o;
}

TEST(Dataset, LabelsAgreeWithTheOracleAndLengthsStayInRange) {
  for (const char* spec : {"dyck:k=2", "anbn", "parity", "majority", "shuffle_dyck:k=2"}) {
    const auto lang = make_language(spec);
    const auto split = make_split(*lang, options({2, 16}, 400), "train");
    ASSERT_EQ(split.examples.size(), 400u);
    int members = 0, near = 0;
    for (const auto& ex : split.examples) {
      EXPECT_EQ(lang->contains(ex.word), ex.member) << spec;
      EXPECT_GE(static_cast<int>(ex.word.size()), 2);
      EXPECT_LE(static_cast<int>(ex.word.size()), 16);
      members += ex.member;
      near += ex.kind == ExampleKind::near_miss;
    }
    EXPECT_EQ(members, 200) << spec;  // exactly half (tests/harness/honest_data_test.cpp: the mix in general)
    EXPECT_EQ(near, 100) << spec;
  }
}

TEST(Dataset, SameSeedSameSplitWhateverTheThreadCount) {
  const auto lang = make_language("dyck:k=2");
  std::vector<std::vector<Word>> runs;
  for (int threads : {1, 2, 5}) {
    ThreadLimit limit(threads);
    std::vector<Word> words;
    for (const auto& ex : make_split(*lang, options({2, 40}, 300), "train").examples) words.push_back(ex.word);
    runs.push_back(words);
  }
  EXPECT_EQ(runs[0], runs[1]);
  EXPECT_EQ(runs[0], runs[2]);
}

TEST(Dataset, DifferentSplitsDiffer) {
  const auto lang = make_language("parity");
  auto a = options({5, 10}, 50), b = a;
  b.split_id = 1;
  EXPECT_NE(make_split(*lang, a, "a").examples.front().word, make_split(*lang, b, "b").examples.front().word);
}

TEST(Dataset, MembersOnlyForGenerativeObjectives) {
  const auto lang = make_language("dyck:k=1");
  auto o = options({1, 9}, 100);
  o.positive_fraction = 1.0;
  for (const auto& ex : make_split(*lang, o, "t").examples) {
    EXPECT_TRUE(ex.member);
    EXPECT_EQ(ex.word.size() % 2, 0u);  // odd lengths have no members
  }
}

TEST(Dataset, ImpossibleRangeIsAnError) {
  const auto lang = make_language("dyck:k=1");
  auto o = options({3, 3}, 10);
  o.positive_fraction = 1.0;
  EXPECT_THROW(make_split(*lang, o, "t"), Error);
}

}  // namespace
}  // namespace saturn
