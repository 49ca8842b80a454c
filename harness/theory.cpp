#include "harness/theory.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "core/error.h"
#include "harness/task_file.h"
#include "harness/yaml_validator.h"
#include "languages/registry.h"
#include "saturated_transformer/eval_mode.h"

namespace saturn {

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::yes: return "yes";
    case Verdict::no: return "no";
    case Verdict::with_positions: return "with_positions";
    case Verdict::no_without_positions: return "no_without_positions";
    case Verdict::open: return "open";
  }
  return "open";
}

const TheoryClaim& TheoryEntry::claim(Family f) const {
  switch (f) {
    case Family::hard: return hard;
    case Family::hard_left: return hard_left;
    case Family::saturated: return saturated;
    case Family::softmax: return softmax;
  }
  return softmax;
}

const TheoryEntry* Theory::find(const std::string& spec) const {
  for (const auto& e : entries)
    for (const auto& s : e.specs)
      if (s == spec) return &e;
  return nullptr;
}

std::string Theory::cite(const TheoryClaim& c) const {
  std::string out;
  for (const auto& key : c.refs) {
    const auto it = references.find(key);
    std::string name = it == references.end() ? key : it->second.substr(0, it->second.find(" ("));
    out += (out.empty() ? "" : "; ") + name;
  }
  return out;
}

Family mode_family(const std::string& mode) {
  const EvalMode m = EvalMode::parse(mode);
  switch (m.kind) {
    case EvalMode::Kind::softmax:
    case EvalMode::Kind::temperature:
    case EvalMode::Kind::scaled: return Family::softmax;
    case EvalMode::Kind::saturated: return Family::saturated;
    case EvalMode::Kind::hard_left: return Family::hard_left;
    case EvalMode::Kind::hard_right: return Family::hard;
  }
  return Family::softmax;
}

Verdict effective_verdict(const TheoryClaim& c, bool has_positions) {
  switch (c.verdict) {
    case Verdict::with_positions: return has_positions ? Verdict::yes : Verdict::no;
    case Verdict::no_without_positions: return has_positions ? Verdict::open : Verdict::no;
    default: return c.verdict;
  }
}

namespace {

constexpr const char* kClaimKeys[] = {"verdict", "says", "refs", "derived"};
constexpr const char* kEntryKeys[] = {"specs", "hard", "hard_left", "saturated", "softmax", "note"};

bool parse_claim(Validator& v, const YAML::Node& n, const std::string& field, const std::set<std::string>& refs,
                 TheoryClaim& out) {
  if (!v.expect_map(n, field, kClaimKeys)) return false;
  out.line = n.Mark().is_null() ? 0 : n.Mark().line + 1;
  bool ok = true;
  if (!n["verdict"]) {
    v.problem(n, field + ".verdict", "missing (yes, no, with_positions, no_without_positions or open)");
    ok = false;
  } else {
    ok = parse_choice(v, n["verdict"], field + ".verdict", out.verdict,
                      {{"yes", Verdict::yes},
                       {"no", Verdict::no},
                       {"with_positions", Verdict::with_positions},
                       {"no_without_positions", Verdict::no_without_positions},
                       {"open", Verdict::open}}) && ok;
  }
  if (!n["says"]) {
    v.problem(n, field + ".says", "missing (one line: the result or construction)");
    ok = false;
  } else {
    ok = v.scalar(n["says"], field + ".says", out.says, "a string") && ok;
  }
  if (const auto r = n["refs"]) {
    if (!r.IsSequence()) {
      v.problem(r, field + ".refs", "expected a list of reference keys");
      ok = false;
    } else {
      for (std::size_t i = 0; i < r.size(); ++i) {
        const std::string f = fmt::format("{}.refs[{}]", field, i);
        std::string key;
        if (!v.scalar(r[i], f, key, "a reference key")) {
          ok = false;
        } else if (!refs.count(key)) {
          v.problem(r[i], f, fmt::format("unknown reference '{}' (not in 'references')", key));
          ok = false;
        } else {
          out.refs.push_back(key);
        }
      }
    }
  }
  const bool listed = n["refs"] && n["refs"].IsSequence() && n["refs"].size() > 0;  // bad keys are reported above
  if (!listed && out.verdict != Verdict::open) {
    v.problem(n, field + ".refs", "a verdict other than 'open' needs at least one reference");
    ok = false;
  }
  if (const auto d = n["derived"]) ok = v.scalar(d, field + ".derived", out.derived, "true or false") && ok;
  return ok;
}

}  // namespace

Theory parse_theory(const std::string& text, const std::string& path) {
  Validator v(path);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw TaskFileError({InputError(path, e.mark.line + 1, e.mark.column + 1, "", e.msg)});
  }
  if (!root.IsMap()) throw TaskFileError({InputError(path, 1, 1, "", "expected a mapping with 'references' and 'languages'")});
  v.expect_map(root, "", {"references", "languages"});
  Theory theory;
  theory.file = path;

  std::set<std::string> ref_keys;
  if (const auto refs = root["references"]; !refs || !refs.IsMap()) {
    v.problem(refs ? refs : root, "references", "expected a mapping from reference keys to citations");
  } else {
    for (const auto& kv : refs) {
      std::string key;
      if (!v.key_name(kv.first, "references", "reference key", key)) continue;
      std::string value;
      if (v.scalar(kv.second, "references." + key, value, "a string")) theory.references[key] = value, ref_keys.insert(key);
    }
  }

  std::map<std::string, std::string> covered;  // canonical spec -> entry
  if (const auto langs = root["languages"]; !langs || !langs.IsMap()) {
    v.problem(langs ? langs : root, "languages", "expected a mapping from entry names to entries");
  } else {
    for (const auto& kv : langs) {
      TheoryEntry e;
      if (!v.key_name(kv.first, "languages", "entry name", e.name)) continue;
      const std::string field = "languages." + e.name;
      const YAML::Node n = kv.second;
      if (!v.expect_map(n, field, kEntryKeys)) continue;
      if (const auto specs = n["specs"]; !specs || !specs.IsSequence() || specs.size() == 0) {
        v.problem(specs ? specs : n, field + ".specs", "expected a non-empty list of language specs");
      } else {
        for (std::size_t i = 0; i < specs.size(); ++i) {
          const std::string f = fmt::format("{}.specs[{}]", field, i);
          std::string spec;
          if (!v.scalar(specs[i], f, spec, "a language spec")) continue;
          try {
            spec = make_language(spec)->spec();
          } catch (const Error& err) {
            v.problem(specs[i], f, err.what());
            continue;
          }
          if (const auto [it, fresh] = covered.emplace(spec, e.name); !fresh)
            v.problem(specs[i], f, fmt::format("'{}' is already covered by entry '{}'", spec, it->second));
          else
            e.specs.push_back(spec);
        }
      }
      for (auto [key, claim] : {std::pair{"hard", &e.hard}, std::pair{"saturated", &e.saturated}, std::pair{"softmax", &e.softmax}}) {
        if (!n[key]) v.problem(n, field + "." + key, "missing (verdict, says, refs)");
        else parse_claim(v, n[key], field + "." + key, ref_keys, *claim);
      }
      if (n["hard_left"]) parse_claim(v, n["hard_left"], field + ".hard_left", ref_keys, e.hard_left);
      else e.hard_left = e.hard;
      if (n["note"]) v.scalar(n["note"], field + ".note", e.note, "a string");
      theory.entries.push_back(std::move(e));
    }
  }
  if (!v.problems().empty()) throw TaskFileError(v.problems());
  return theory;
}

Theory load_theory(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot read the theory file", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_theory(text.str(), path.string());
}

std::filesystem::path default_theory_path() { return SATURN_THEORY_FILE; }

}  // namespace saturn
