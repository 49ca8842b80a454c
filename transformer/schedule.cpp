#include "transformer/schedule.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/error.h"

namespace saturn {

double Schedule::factor(long step) const {
  const double s = static_cast<double>(step) + 1;  // the first step uses step 1 of the warm-up
  if (warmup > 0 && s <= warmup) return s / warmup;
  switch (kind) {
    case Kind::constant: return 1.0;
    case Kind::inverse_sqrt: return warmup > 0 ? std::sqrt(warmup / s) : 1.0 / std::sqrt(s);
    case Kind::cosine:
    case Kind::linear: {
      const double span = std::max(1, total - warmup);
      const double progress = std::clamp((s - warmup) / span, 0.0, 1.0);
      const double shape = kind == Kind::cosine ? 0.5 * (1 + std::cos(std::numbers::pi * progress)) : 1 - progress;
      return min_factor + (1 - min_factor) * shape;
    }
  }
  return 1.0;
}

Schedule::Kind Schedule::parse(const std::string& name) {
  if (name == "constant") return Kind::constant;
  if (name == "cosine") return Kind::cosine;
  if (name == "linear") return Kind::linear;
  if (name == "inverse_sqrt") return Kind::inverse_sqrt;
  throw Error(fmt::format("'{}' is not a schedule (constant, cosine, linear, inverse_sqrt)", name));
}

double AttentionTemperature::factor(long t) const {
  if (!(final > 0) || !std::isfinite(final))
    throw Error(fmt::format("attention temperature: final factor {} is not a positive finite number", final));
  if (kind == Kind::constant) return final;
  if (steps < 1) throw Error(fmt::format("attention temperature: {} schedule over {} steps (needs >= 1)", to_string(kind), steps));
  const double p = std::min(1.0, static_cast<double>(std::max(0L, t)) / static_cast<double>(steps));
  if (p >= 1.0) return final;  // exactly F from step N on
  return kind == Kind::linear ? 1.0 + (final - 1.0) * p : std::pow(final, p);
}

AttentionTemperature::Kind AttentionTemperature::parse(const std::string& name) {
  if (name == "constant") return Kind::constant;
  if (name == "linear") return Kind::linear;
  if (name == "exponential") return Kind::exponential;
  throw Error(fmt::format("'{}' is not an attention temperature schedule (constant, linear, exponential)", name));
}

const char* to_string(AttentionTemperature::Kind k) {
  switch (k) {
    case AttentionTemperature::Kind::constant: return "constant";
    case AttentionTemperature::Kind::linear: return "linear";
    case AttentionTemperature::Kind::exponential: return "exponential";
  }
  return "?";
}

}  // namespace saturn
