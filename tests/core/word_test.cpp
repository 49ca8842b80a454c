#include "core/word.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace saturn {
namespace {

TEST(Alphabet, RoundTripsWords) {
  const Alphabet a("()[]");
  const Word w = a.parse("([])");
  EXPECT_EQ(w, (Word{0, 2, 3, 1}));
  EXPECT_EQ(a.to_string(w), "([])");
}

TEST(Alphabet, RejectsUnknownSymbolsAndDuplicates) {
  const Alphabet a("ab");
  try {
    a.parse("abc");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "symbol 'c' at position 2 is not in the alphabet \"ab\"");
  }
  EXPECT_THROW(Alphabet("aba"), Error);
  EXPECT_THROW(Alphabet("a b"), Error);
}

}  // namespace
}  // namespace saturn
