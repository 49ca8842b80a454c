// config.json without `tokens` (transformer/config_json.h): the default token list, refused where
// it does not fit; an empty list is kept as written (scan_snap's transformer variant writes one,
// and a checkpoint compares configs through config_to_json). Here beside the CLI tests that load
// such folders (exit_codes_test.sh); tests/transformer/config_json_test.cpp holds the rest.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.h"
#include "transformer/config_json.h"

namespace saturn {
namespace {

nlohmann::json config(int vocab, int bos_id, const char* head) {
  return {{"vocab", vocab}, {"bos_id", bos_id}, {"d_model", 4}, {"n_layers", 1}, {"n_heads", 1},
          {"d_ff", 4},      {"head", head},     {"n_outputs", std::string(head) == "lm" ? vocab : 1}};
}

std::string error_of(const nlohmann::json& j) {
  try {
    config_from_json(j, "m/config.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ModelTokens, MissingTokensGetTheDefaultList) {
  EXPECT_EQ(config_from_json(config(3, 2, "classify"), "m").tokens, (std::vector<std::string>{"a", "b", "<bos>"}));
  EXPECT_EQ(config_from_json(config(4, 2, "lm"), "m").tokens, (std::vector<std::string>{"a", "b", "<bos>", "<eos>"}));
  EXPECT_EQ(config_from_json(config(27, 26, "classify"), "m").tokens.at(25), "z");
}

TEST(ModelTokens, NoDefaultWhereTheLayoutDoesNotFit) {
  const std::string prefix = "m/config.json: field 'tokens': missing, and the default";
  EXPECT_EQ(error_of(config(4, 2, "classify")).rfind(prefix, 0), 0u) << error_of(config(4, 2, "classify"));
  EXPECT_EQ(error_of(config(5, 2, "lm")).rfind(prefix, 0), 0u);
  EXPECT_EQ(error_of(config(28, 27, "classify")).rfind(prefix, 0), 0u);
  EXPECT_NE(error_of(config(3, 5, "classify")).find("bos_id"), std::string::npos);  // validate speaks first
}

TEST(ModelTokens, AnEmptyListIsKeptAsWritten) {
  auto j = config(3, 2, "classify");
  j["tokens"] = nlohmann::json::array();
  const auto c = config_from_json(j, "m");
  EXPECT_TRUE(c.tokens.empty());
  EXPECT_EQ(config_to_json(c)["tokens"], nlohmann::ordered_json::array());  // same type: clang-14 finds == ambiguous
}

}  // namespace
}  // namespace saturn
