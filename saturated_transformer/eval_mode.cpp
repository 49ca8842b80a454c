#include "saturated_transformer/eval_mode.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "core/error.h"

namespace saturn {

namespace {
constexpr const char* kModes = "softmax, temperature:C, scaled:RHO, saturated, saturated:TOL, hard_left (alias hard), hard_right";

// The number after "name:"; positive (C, RHO) or, with allow_zero, >= 0 (TOL). Always finite.
double mode_number(std::string_view text, std::string_view arg, bool allow_zero) {
  double v = 0;
  auto [p, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), v);
  const bool ok = ec == std::errc() && p == arg.data() + arg.size() && std::isfinite(v) && (allow_zero ? v >= 0 : v > 0);
  if (!ok)
    throw Error(fmt::format("mode '{}': '{}' is not a {} number", text, arg,
                            allow_zero ? "finite non-negative" : "positive"));
  return v;
}
}  // namespace

EvalMode EvalMode::parse(std::string_view text) {
  const auto colon = text.find(':');
  const auto name = text.substr(0, colon);
  const bool has_value = colon != std::string_view::npos;
  const auto arg = has_value ? text.substr(colon + 1) : std::string_view{};
  auto number = [&]() {
    if (!has_value) throw Error(fmt::format("mode '{}' needs a value, e.g. {}:8", text, name));
    return mode_number(text, arg, false);
  };
  auto no_value = [&](Kind k) {
    if (has_value) throw Error(fmt::format("mode '{}' takes no value", text));
    return EvalMode{k, 1.0};
  };
  if (name == "softmax") return no_value(Kind::softmax);
  if (name == "saturated") return has_value ? saturated_within(mode_number(text, arg, true)) : saturated();
  if (name == "hard") {
    auto m = no_value(Kind::hard_left);
    m.spelled_hard = true;
    return m;
  }
  if (name == "hard_left") return no_value(Kind::hard_left);
  if (name == "hard_right") return no_value(Kind::hard_right);
  if (name == "temperature") return {Kind::temperature, number()};
  if (name == "scaled") return {Kind::scaled, number()};
  throw Error(fmt::format("unknown mode '{}' ({})", text, kModes));
}

std::string EvalMode::str() const {
  switch (kind) {
    case Kind::softmax: return "softmax";
    case Kind::temperature: return fmt::format("temperature:{}", value);
    case Kind::scaled: return fmt::format("scaled:{}", value);
    case Kind::saturated: return tolerance ? fmt::format("saturated:{}", value) : "saturated";
    case Kind::hard_left: return spelled_hard ? "hard" : "hard_left";
    case Kind::hard_right: return "hard_right";
  }
  return "?";
}

}  // namespace saturn
