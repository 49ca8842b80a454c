// Params: parsing of "key=value,..." and the one-line errors of its typed getters.
#include <gtest/gtest.h>

#include "core/error.h"
#include "languages/params.h"
#include "tests/support/error_message.h"

namespace saturn {
namespace {

TEST(Params, ParsesKeyValuePairs) {
  const auto p = Params::parse("dyck", "k=2,depth=3");
  EXPECT_EQ(p.get_int("k", 1, 8), 2);
  EXPECT_EQ(p.get_int("depth", 1, 10, 0), 3);
  EXPECT_EQ(p.get_int("missing", 1, 10, 7), 7);
  EXPECT_FALSE(p.has("missing"));
  EXPECT_NO_THROW(p.expect_only({"k", "depth"}));
  EXPECT_FALSE(Params::parse("anbn", "").has("k"));
}

TEST(Params, ValuesKeepCommasAndEqualsInsideBracketsOrBeforeANonKey) {
  const auto p = Params::parse("regex", "pattern=a{1,2}|[a,b](x=y),alphabet=ab");
  EXPECT_EQ(p.get_string("pattern"), "a{1,2}|[a,b](x=y)");
  EXPECT_EQ(p.get_string("alphabet"), "ab");
  EXPECT_EQ(Params::parse("regex", "pattern=a,b").get_string("pattern"), "a,b");
  EXPECT_EQ(p.get_string("other", "fallback"), "fallback");
}

TEST(Params, ErrorsNameTheLanguageTheParameterAndTheReason) {
  EXPECT_EQ(testing::error_message([] { Params::parse("dyck", "k=2,k=3"); }), "language 'dyck': parameter 'k' given twice");
  EXPECT_EQ(testing::error_message([] { Params::parse("dyck", "k"); }), "language 'dyck': parameter 'k' is not of the form key=value");
  EXPECT_EQ(testing::error_message([] { Params::parse("dyck", "=2"); }), "language 'dyck': parameter '=2' is not of the form key=value");
  const auto p = Params::parse("dyck", "k=9,depth=two");
  EXPECT_EQ(testing::error_message([&] { p.get_int("k", 1, 8); }), "language 'dyck': parameter 'k' = 9 is outside 1..8");
  EXPECT_EQ(testing::error_message([&] { p.get_int("depth", 1, 8, 0); }),
            "language 'dyck': parameter 'depth' = 'two' is not an integer");
  EXPECT_EQ(testing::error_message([&] { p.get_int("m", 1, 8); }), "language 'dyck' needs parameter 'm'");
  EXPECT_EQ(testing::error_message([&] { p.get_string("file"); }), "language 'dyck' needs parameter 'file'");
  EXPECT_EQ(testing::error_message([&] { p.expect_only({"k"}); }), "language 'dyck' has no parameter 'depth' (parameters: k)");
  EXPECT_EQ(testing::error_message([] { Params::parse("anbn", "n=1").expect_only({}); }),
            "language 'anbn' has no parameter 'n' (parameters: none)");
  EXPECT_EQ(testing::error_message([] { Params::parse("dyck", "k=2x").get_int("k", 1, 8); }),
            "language 'dyck': parameter 'k' = '2x' is not an integer");
}

}  // namespace
}  // namespace saturn
