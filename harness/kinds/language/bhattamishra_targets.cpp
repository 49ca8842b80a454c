#include "harness/kinds/language/bhattamishra_targets.h"

#include <fmt/format.h>

#include "core/error.h"

namespace saturn {

namespace {

constexpr std::pair<const char*, TargetConvention> kNames[] = {
    {"next_symbols", TargetConvention::next_symbols}, {"end_symbol", TargetConvention::end_symbol},
    {"allowed", TargetConvention::allowed},           {"dead_state", TargetConvention::dead_state},
    {"membership", TargetConvention::membership}};

// Tomita 2 is the one grammar whose `dead_states` in their code is the sink alone while another
// state is non-accepting (q1, after an odd-position '1'); see the header.
bool dead_state_is_the_sink(const Language& lang) { return lang.spec() == "tomita:n=2"; }

}  // namespace

const char* target_convention_name(TargetConvention c) {
  for (const auto& [name, value] : kNames)
    if (value == c) return name;
  return "?";
}

bool parse_target_convention(const std::string& name, TargetConvention& out) {
  for (const auto& [n, value] : kNames)
    if (name == n) {
      out = value;
      return true;
    }
  return false;
}

int target_outputs(TargetConvention c, const Language& lang) {
  const int sigma = lang.alphabet().size();
  switch (c) {
    case TargetConvention::next_symbols:
    case TargetConvention::end_symbol: return sigma + 1;
    case TargetConvention::allowed:
    case TargetConvention::dead_state: return sigma;
    case TargetConvention::membership: return 2;
  }
  return 0;
}

void check_target_convention(TargetConvention c, const Language& lang) {
  if (c != TargetConvention::dead_state) return;
  for (int n : {1, 2, 3, 4, 7})
    if (lang.spec() == fmt::format("tomita:n={}", n)) return;
  throw Error(fmt::format("targets dead_state follows the Tomita DFAs of Bhattamishra et al. 2020 and applies to "
                          "tomita:n=1, 2, 3, 4 or 7 only, not {}",
                          lang.spec()));
}

std::vector<float> prefix_targets(TargetConvention c, const Language& lang, WordView w) {
  const int sigma = lang.alphabet().size();
  const int outputs = target_outputs(c, lang);
  const bool sink_only = c == TargetConvention::dead_state && dead_state_is_the_sink(lang);
  std::vector<float> out;
  out.reserve((w.size() + 1) * static_cast<std::size_t>(outputs));
  LangState s = lang.start();
  for (std::size_t t = 0;; ++t) {
    const bool member = lang.accepting(s);
    if (c == TargetConvention::membership) {
      out.push_back(member ? 0.0f : 1.0f);
      out.push_back(member ? 1.0f : 0.0f);
    } else {
      for (int a = 0; a < sigma; ++a) {
        LangState next = s;
        bool on = lang.step(next, static_cast<Symbol>(a));
        if (on) on = c == TargetConvention::dead_state && !sink_only ? lang.accepting(next) : lang.live(next);
        out.push_back(on ? 1.0f : 0.0f);
      }
      if (c == TargetConvention::next_symbols || c == TargetConvention::end_symbol) out.push_back(member ? 1.0f : 0.0f);
    }
    if (t == w.size()) break;
    if (!lang.step(s, w[t]))
      throw Error(fmt::format("prefix_targets: {} has no member starting with the first {} symbols of the word", lang.spec(),
                              t + 1));
  }
  return out;
}

}  // namespace saturn
