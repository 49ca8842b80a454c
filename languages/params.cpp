#include "languages/params.h"

#include <fmt/format.h>

#include <charconv>

#include "core/error.h"

namespace saturn {

Params Params::parse(std::string_view language, std::string_view text) {
  Params p;
  p.language_ = std::string(language);
  int depth = 0;
  std::size_t start = 0;
  auto add = [&](std::string_view item) {
    if (item.empty()) return;
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0)
      throw Error(fmt::format("language '{}': parameter '{}' is not of the form key=value", language, item));
    const std::string key(item.substr(0, eq));
    if (!p.values_.emplace(key, std::string(item.substr(eq + 1))).second)
      throw Error(fmt::format("language '{}': parameter '{}' given twice", language, key));
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '(' || text[i] == '[') ++depth;
    if (text[i] == ')' || text[i] == ']') --depth;
    // A comma splits parameters only when followed by `key=` (so patterns may contain commas).
    if (text[i] == ',' && depth == 0) {
      const auto rest = text.substr(i + 1);
      const auto eq = rest.find('=');
      const auto key = rest.substr(0, eq);
      if (eq != std::string_view::npos && !key.empty() &&
          key.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string_view::npos) {
        add(text.substr(start, i - start));
        start = i + 1;
      }
    }
  }
  add(text.substr(start));
  return p;
}

long Params::get_int(const std::string& key, long min, long max) const {
  const auto it = values_.find(key);
  if (it == values_.end()) throw Error(fmt::format("language '{}' needs parameter '{}'", language_, key));
  long v = 0;
  const auto& s = it->second;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size())
    throw Error(fmt::format("language '{}': parameter '{}' = '{}' is not an integer", language_, key, s));
  if (v < min || v > max)
    throw Error(fmt::format("language '{}': parameter '{}' = {} is outside {}..{}", language_, key, v, min, max));
  return v;
}

long Params::get_int(const std::string& key, long min, long max, long fallback) const {
  return has(key) ? get_int(key, min, max) : fallback;
}

std::string Params::get_string(const std::string& key) const {
  const auto it = values_.find(key);
  if (it == values_.end()) throw Error(fmt::format("language '{}' needs parameter '{}'", language_, key));
  return it->second;
}

std::string Params::get_string(const std::string& key, const std::string& fallback) const {
  return has(key) ? get_string(key) : fallback;
}

void Params::expect_only(std::initializer_list<const char*> known) const {
  for (const auto& [key, _] : values_) {
    bool ok = false;
    for (const char* k : known) ok = ok || key == k;
    if (!ok) {
      std::string list;
      for (const char* k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      throw Error(fmt::format("language '{}' has no parameter '{}' (parameters: {})", language_, key,
                              list.empty() ? "none" : list));
    }
  }
}

}  // namespace saturn
