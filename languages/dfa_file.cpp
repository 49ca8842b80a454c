#include "languages/dfa_file.h"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <set>
#include <utility>

#include "automata/automaton.h"
#include "core/error.h"
#include "languages/regular.h"

namespace saturn {

namespace {

[[noreturn]] void fail(const std::string& file, const YAML::Node& at, const std::string& field, const std::string& why) {
  const auto m = at.Mark();
  throw InputError(file, m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1, field, why);
}

// A mapping's key as a string; a key that is not a scalar ("? [a, b]: ...") is refused.
std::string key_of(const std::string& file, const YAML::Node& key, const std::string& within) {
  if (!key.IsScalar()) fail(file, key, within, "expected a name as the key, not a list or a mapping");
  return key.Scalar();
}

DfaSpec load_dfa_yaml(const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file);
  } catch (const YAML::BadFile&) {
    throw InputError(file, 0, 0, "", "cannot open file");
  } catch (const YAML::DeepRecursion& e) {  // yaml-cpp's guard against stack overflow says only "bad file"
    throw InputError(file, e.mark.line + 1, e.mark.column + 1, "",
                     fmt::format("YAML nested {} levels deep, deeper than the parser allows (yaml-cpp's limit)", e.depth()));
  } catch (const YAML::ParserException& e) {
    throw InputError(file, e.mark.line + 1, e.mark.column + 1, "", e.msg);
  }
  if (!root.IsMap()) fail(file, root, "", "expected a mapping with alphabet, start, accepting, transitions");
  for (const auto& kv : root) {
    const auto key = key_of(file, kv.first, "");
    if (key != "alphabet" && key != "start" && key != "accepting" && key != "transitions")
      fail(file, kv.first, key, "unknown key (expected alphabet, start, accepting, transitions)");
  }
  for (const char* key : {"alphabet", "start", "transitions"})
    if (!root[key]) fail(file, root, key, "missing");
  DfaSpec d;
  if (!root["alphabet"].IsScalar()) fail(file, root["alphabet"], "alphabet", "expected a string of symbols");
  d.alphabet = root["alphabet"].Scalar();
  try {
    Alphabet check(d.alphabet);
  } catch (const Error& e) {
    fail(file, root["alphabet"], "alphabet", e.what());
  }
  std::map<std::string, int> ids;
  auto id = [&](const std::string& name) {
    const auto [it, fresh] = ids.emplace(name, static_cast<int>(ids.size()));
    return it->second;
  };
  const auto& tr = root["transitions"];
  if (!tr.IsMap()) fail(file, tr, "transitions", "expected a mapping from states to {symbol: state}");
  for (const auto& kv : tr) id(key_of(file, kv.first, "transitions"));
  if (!root["start"].IsScalar()) fail(file, root["start"], "start", "expected a state name");
  d.start = id(root["start"].Scalar());
  std::set<std::pair<int, char>> seen;  // a DFA has one transition per (state, symbol)
  for (const auto& kv : tr) {
    const auto from = key_of(file, kv.first, "transitions");
    if (!kv.second.IsMap()) fail(file, kv.second, "transitions." + from, "expected a mapping {symbol: state}");
    for (const auto& e : kv.second) {
      const auto sym = key_of(file, e.first, "transitions." + from);
      const std::string field = "transitions." + from + "." + sym;
      if (sym.size() != 1 || d.alphabet.find(sym[0]) == std::string::npos)
        fail(file, e.first, field, fmt::format("'{}' is not a symbol of the alphabet \"{}\"", sym, d.alphabet));
      if (!e.second.IsScalar()) fail(file, e.second, field, "expected a state name");
      if (!seen.emplace(id(from), sym[0]).second) fail(file, e.first, field, "duplicate transition (a DFA has one per state and symbol)");
      d.transitions.emplace_back(id(from), sym[0], id(e.second.Scalar()));
    }
  }
  if (const auto& acc = root["accepting"]) {
    if (!acc.IsSequence()) fail(file, acc, "accepting", "expected a list of state names");
    for (std::size_t i = 0; i < acc.size(); ++i) {
      if (!acc[i].IsScalar()) fail(file, acc[i], fmt::format("accepting[{}]", i), "expected a state name");
      d.accepting.push_back(id(acc[i].Scalar()));
    }
  }
  d.states = static_cast<int>(ids.size());
  return d;
}

}  // namespace

LanguagePtr make_dfa_file(const Params& p) {
  p.expect_only({"file"});
  const auto file = p.get_string("file");
  return std::make_shared<RegularLanguage>("dfa:file=" + file, "the DFA of " + file,
                                           automaton_from_spec(load_dfa_yaml(file)));
}

}  // namespace saturn
