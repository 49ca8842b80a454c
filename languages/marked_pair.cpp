#include "languages/marked_pair.h"

#include <fmt/format.h>

#include "core/error.h"

namespace saturn {

bool MarkedPair::step(LangState& s, Symbol a) const {
  constexpr Symbol kHash = 2;
  const auto len = static_cast<std::int64_t>(s.size()) - 2;  // |w| so far
  if (s[0] == 0) {
    if (a == kHash) s[0] = 1;
    else s.push_back(a);
    return true;
  }
  if (a == kHash || s[1] >= len) return false;
  const auto want = reversed_ ? s[static_cast<std::size_t>(2 + len - 1 - s[1])] : s[static_cast<std::size_t>(2 + s[1])];
  if (a != want) return false;
  ++s[1];
  return true;
}

BigInt MarkedPair::completions(const LangState& s, int r) const {
  const auto j = static_cast<std::int64_t>(s.size()) - 2;
  if (s[0] == 1) return r == j - s[1] ? 1 : 0;
  // Extend w to length m >= j, then '#', then m symbols: r = (m - j) + 1 + m.
  if ((r + j - 1) < 0 || (r + j - 1) % 2 != 0) return 0;
  const auto m = (r + j - 1) / 2;
  if (m < j) return 0;
  return BigInt(1) << static_cast<unsigned>(m - j);
}

Word MarkedPair::sample_member(int n, Rng& rng) const {
  check_length(*this, n);
  if (n < 1 || n % 2 == 0) throw NoMembersError(fmt::format("{} has no members of length {}", spec(), n));
  const auto m = static_cast<std::size_t>(n / 2);
  Word w(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < m; ++i) w[i] = static_cast<Symbol>(rng.uniform_below(2));
  w[m] = 2;  // '#'
  for (std::size_t i = 0; i < m; ++i) w[m + 1 + i] = reversed_ ? w[m - 1 - i] : w[i];
  return w;
}

}  // namespace saturn
