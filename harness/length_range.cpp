#include "harness/length_range.h"

#include <fmt/format.h>

#include <charconv>

#include "core/error.h"

namespace saturn {

std::string LengthRange::str() const { return lo == hi ? std::to_string(lo) : fmt::format("{}..{}", lo, hi); }

namespace {
int parse_int(std::string_view text, std::string_view whole) {
  int v = 0;
  const auto* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || p != end || text.empty())
    throw Error(fmt::format("'{}' is not a length range (expected N or A..B)", whole));
  return v;
}
}  // namespace

LengthRange parse_length_range(std::string_view text) {
  LengthRange r;
  const auto dots = text.find("..");
  if (dots == std::string_view::npos) {
    r.lo = r.hi = parse_int(text, text);
  } else {
    r.lo = parse_int(text.substr(0, dots), text);
    r.hi = parse_int(text.substr(dots + 2), text);
  }
  if (r.lo < 0) throw Error(fmt::format("length range '{}' has a negative length", text));
  if (r.lo > r.hi) throw Error(fmt::format("length range '{}' is empty ({} > {})", text, r.lo, r.hi));
  if (r.hi > kMaxLength) throw Error(fmt::format("length range '{}' exceeds the maximum length {}", text, kMaxLength));
  return r;
}

}  // namespace saturn
