#include "saturated_transformer/eval_mode.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "core/error.h"

namespace saturn {

EvalMode EvalMode::parse(std::string_view text) {
  const auto colon = text.find(':');
  const auto name = text.substr(0, colon);
  auto number = [&]() {
    if (colon == std::string_view::npos)
      throw Error(fmt::format("mode '{}' needs a value, e.g. {}:8", text, name));
    const auto arg = text.substr(colon + 1);
    double v = 0;
    auto [p, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), v);
    if (ec != std::errc() || p != arg.data() + arg.size() || !std::isfinite(v) || v <= 0)
      throw Error(fmt::format("mode '{}': '{}' is not a positive number", text, arg));
    return v;
  };
  auto no_value = [&](Kind k) {
    if (colon != std::string_view::npos) throw Error(fmt::format("mode '{}' takes no value", name));
    return EvalMode{k, 1.0};
  };
  if (name == "softmax") return no_value(Kind::softmax);
  if (name == "saturated") return no_value(Kind::saturated);
  if (name == "hard") return no_value(Kind::hard);
  if (name == "temperature") return {Kind::temperature, number()};
  if (name == "scaled") return {Kind::scaled, number()};
  throw Error(fmt::format("unknown mode '{}' (softmax, temperature:C, scaled:RHO, saturated, hard)", text));
}

std::string EvalMode::str() const {
  switch (kind) {
    case Kind::softmax: return "softmax";
    case Kind::temperature: return fmt::format("temperature:{}", value);
    case Kind::scaled: return fmt::format("scaled:{}", value);
    case Kind::saturated: return "saturated";
    case Kind::hard: return "hard";
  }
  return "?";
}

}  // namespace saturn
