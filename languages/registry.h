// The language registry: compact specs ("dyck:k=2", "and(anbn;parity)") to Language objects.
//
// Spec grammar:   spec := name [":" key "=" value ("," key "=" value)*]
//                       | "and(" spec ";" spec ")" | "or(" spec ";" spec ")" | "not(" spec ")"
// Adding a language: write languages/<name>.{h,cpp} and add one line to register_all() in
// registry.cpp (see docs/adding-a-language.md).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "languages/language.h"
#include "languages/params.h"

namespace saturn {

struct LanguageInfo {
  std::string name;         // "dyck"
  std::string params;       // "k=K[,depth=D]"
  std::string description;  // one line
  std::function<LanguagePtr(const Params&)> make;
};

// All registered languages, in registration order.
const std::vector<LanguageInfo>& language_registry();

// and(...), or(...) and not(...) may nest at most this deep (the spec parser recurses; a deeper
// spec is refused with an error naming the limit instead of overflowing the stack).
inline constexpr int kMaxSpecNesting = 1000;

// Builds a language from its spec; throws saturn::Error with a one-line reason on unknown names,
// bad parameters, malformed specs or nesting beyond kMaxSpecNesting.
LanguagePtr make_language(std::string_view spec);

}  // namespace saturn
