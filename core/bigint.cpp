#include "core/bigint.h"

#include <cassert>

namespace saturn {

BigInt uniform_below(const BigInt& bound, Rng& rng) {
  assert(bound > 0);
  if (bound <= std::numeric_limits<std::uint64_t>::max())
    return BigInt(rng.uniform_below(static_cast<std::uint64_t>(bound)));
  const unsigned bits = boost::multiprecision::msb(bound) + 1;
  const unsigned limbs = (bits + 63) / 64;
  const unsigned top_bits = bits - 64 * (limbs - 1);
  for (;;) {
    BigInt x = 0;
    for (unsigned i = 0; i < limbs; ++i) {
      std::uint64_t limb = rng.next();
      if (i == 0 && top_bits < 64) limb &= (std::uint64_t{1} << top_bits) - 1;
      x = (x << 64) | limb;
    }
    if (x < bound) return x;
  }
}

std::string to_string(const BigInt& x) { return x.str(); }

}  // namespace saturn
