#include "languages/regex.h"

#include <fmt/format.h>

#include "automata/regex_to_nfa.h"
#include "core/error.h"
#include "languages/regular.h"

namespace saturn {

LanguagePtr make_regex(const Params& p) {
  p.expect_only({"pattern", "alphabet"});
  const auto pattern = p.get_string("pattern");
  const auto alphabet = p.get_string("alphabet", automata::regex_literals(pattern));
  if (alphabet.empty()) throw Error(fmt::format("regex '{}' has no literal symbols: give alphabet=...", pattern));
  const Alphabet a(alphabet);
  std::string spec = "regex:pattern=" + pattern;
  if (p.has("alphabet")) spec += ",alphabet=" + alphabet;
  return std::make_shared<RegularLanguage>(spec, fmt::format("the regular expression {} over \"{}\"", pattern, alphabet),
                                           automata::regex_to_nfa(pattern, a));
}

}  // namespace saturn
