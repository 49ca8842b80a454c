#include "languages/registry.h"

#include <fmt/format.h>

#include "core/error.h"
#include "languages/boolean.h"
#include "languages/copy.h"
#include "languages/counter.h"
#include "languages/dfa_file.h"
#include "languages/dyck.h"
#include "languages/majority.h"
#include "languages/palindrome.h"
#include "languages/regex.h"
#include "languages/regular_families.h"
#include "languages/reverse.h"
#include "languages/shuffle_dyck.h"
#include "languages/tomita.h"

namespace saturn {

namespace {

std::vector<LanguageInfo> register_all() {
  // One line per language: name, parameters, description, factory.
  return {
      {"dyck", "k=K[,depth=D]", "Dyck-k: well-nested brackets of k types (depth <= D when given)", make_dyck},
      {"shuffle_dyck", "k=K", "Shuffle-Dyck-k: every bracket type balanced on its own (shuffle of k Dyck-1)",
       make_shuffle_dyck},
      {"anbn", "", "a^n b^n, n >= 0", make_anbn},
      {"anbncn", "", "a^n b^n c^n, n >= 0", make_anbncn},
      {"counter", "m=M", "a1^n a2^n ... aM^n, n >= 0 (symbols a, b, c, ...)", make_counter},
      {"parity", "", "binary strings with an odd number of 1s", make_parity},
      {"majority", "", "binary strings with strictly more 1s than 0s", make_majority},
      {"aa_star", "", "(aa)*: even-length strings of a", make_aa_star},
      {"modcount", "m=M,r=R", "binary strings whose number of 1s is R modulo M", make_modcount},
      {"tomita", "n=N", "Tomita grammar N (1..7) over {0,1}", make_tomita},
      {"first", "", "binary strings that start with 1", make_first},
      {"copy", "", "w#w for w in {a,b}*", make_copy},
      {"reverse", "", "w#w^R for w in {a,b}*", make_reverse},
      {"palindrome", "", "palindromes over {a,b}", make_palindrome},
      {"regex", "pattern=P[,alphabet=S][,max_states=N]", "the regular language of a regex (| * + ? () [] .)", make_regex},
      {"dfa", "file=F", "the regular language of a DFA table given in a YAML file", make_dfa_file},
  };
}

// Splits "a;b" at the top-level ';' (outside parentheses/brackets).
std::vector<std::string_view> split_top(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '(' || s[i] == '[') ++depth;
    if (s[i] == ')' || s[i] == ']') --depth;
    if (s[i] == sep && depth == 0) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(s.substr(start));
  return parts;
}

bool is_call(std::string_view spec, std::string_view fn) {
  return spec.size() > fn.size() + 1 && spec.substr(0, fn.size()) == fn && spec[fn.size()] == '(' &&
         spec.back() == ')';
}

}  // namespace

const std::vector<LanguageInfo>& language_registry() {
  static const std::vector<LanguageInfo> registry = register_all();
  return registry;
}

namespace {

// make_language for a spec nested `depth` Boolean calls deep inside `whole`.
LanguagePtr make_nested(std::string_view spec, int depth, std::string_view whole) {
  while (!spec.empty() && spec.front() == ' ') spec.remove_prefix(1);
  while (!spec.empty() && spec.back() == ' ') spec.remove_suffix(1);
  if (spec.empty()) throw Error("empty language spec");
  for (const char* fn : {"and", "or", "not"}) {
    const std::string_view f = fn;
    if (!is_call(spec, f)) continue;
    if (depth == kMaxSpecNesting) {
      const std::string shown = whole.size() <= 80
                                    ? fmt::format("'{}'", whole)
                                    : fmt::format("'{}...' ({} characters)", whole.substr(0, 60), whole.size());
      throw Error(fmt::format("language {}: and/or/not nested more than {} deep (the limit, kMaxSpecNesting)", shown,
                              kMaxSpecNesting));
    }
    const auto inner = spec.substr(f.size() + 1, spec.size() - f.size() - 2);
    const auto parts = split_top(inner, ';');
    if (f == "not") {
      if (parts.size() != 1) throw Error(fmt::format("language '{}': not(...) takes one language", spec));
      return make_complement(make_nested(parts[0], depth + 1, whole));
    }
    if (parts.size() != 2)
      throw Error(fmt::format("language '{}': {}(...) takes two languages separated by ';'", spec, f));
    auto a = make_nested(parts[0], depth + 1, whole);
    auto b = make_nested(parts[1], depth + 1, whole);
    return f == "and" ? make_intersection(a, b) : make_union(a, b);
  }
  const auto colon = spec.find(':');
  const std::string name(spec.substr(0, colon));
  const std::string_view args = colon == std::string_view::npos ? std::string_view{} : spec.substr(colon + 1);
  for (const auto& info : language_registry())
    if (info.name == name) return info.make(Params::parse(name, args));
  std::string known;
  for (const auto& info : language_registry()) known += (known.empty() ? "" : ", ") + info.name;
  throw Error(fmt::format("unknown language '{}' (known: {}; and(A;B), or(A;B), not(A))", name, known));
}

}  // namespace

LanguagePtr make_language(std::string_view spec) { return make_nested(spec, 0, spec); }

}  // namespace saturn
