// Loading a model directory for a command that feeds it strings (eval, verify, saturate, heads).
#include <fmt/format.h>

#include <iostream>

#include "apps/commands.h"
#include "core/error.h"
#include "transformer/config_json.h"

namespace saturn::cli {

ModelWeights load_model_for_strings(const std::string& dir) {
  auto weights = load_model_weights(dir);
  const auto& c = weights.config;
  const std::string config = (std::filesystem::path(dir) / "config.json").string();
  if (c.tokens.empty())
    throw Error(fmt::format("{}: field 'tokens': empty, so strings cannot be turned into token ids; list the token "
                            "strings in id order (docs/model-files.md)",
                            config));
  if (!config_lists_tokens(dir)) {
    std::string list;
    for (const auto& t : c.tokens) list += (list.empty() ? "" : ", ") + t;
    std::cerr << fmt::format("note: {} has no 'tokens'; using the default token list {} (docs/model-files.md)\n", config,
                             list);
  }
  return weights;
}

void check_model_alphabet(const ModelWeights& weights, const Alphabet& alphabet, const std::string& language,
                          const std::string& dir) {
  const auto& t = weights.config.tokens;
  const std::string config = (std::filesystem::path(dir) / "config.json").string();
  for (int i = 0; i < alphabet.size(); ++i) {
    const std::string symbol(1, alphabet.symbol_char(static_cast<Symbol>(i)));
    if (i < weights.config.bos_id && t[static_cast<std::size_t>(i)] == symbol) continue;
    const std::string token = i < weights.config.bos_id ? "'" + t[static_cast<std::size_t>(i)] + "'" : "<bos> or later";
    throw Error(fmt::format("{}: field 'tokens': token {} is {} but symbol {} of {} is '{}' (the model's alphabet is "
                            "not the language's)",
                            config, i, token, i, language, symbol));
  }
}

}  // namespace saturn::cli
