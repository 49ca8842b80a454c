// Parameters of a language spec ("dyck:k=2,depth=3" -> {k: 2, depth: 3}).
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

namespace saturn {

class Params {
 public:
  Params() = default;
  // Parses "k=2,depth=3" (empty allowed). Values may contain '=' and ',' only inside (...) or [...].
  static Params parse(std::string_view language, std::string_view text);

  bool has(const std::string& key) const { return values_.count(key) > 0; }
  // Typed getters; throw saturn::Error naming the language, the parameter and the reason.
  long get_int(const std::string& key, long min, long max) const;          // required
  long get_int(const std::string& key, long min, long max, long fallback) const;  // optional
  std::string get_string(const std::string& key) const;                      // required
  std::string get_string(const std::string& key, const std::string& fallback) const;
  // Throws when a parameter other than `known` was given.
  void expect_only(std::initializer_list<const char*> known) const;

 private:
  std::string language_;
  std::map<std::string, std::string> values_;
};

}  // namespace saturn
