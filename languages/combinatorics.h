// Exact combinatorial counts shared by the bracket and counter languages.
#pragma once

#include "core/bigint.h"

namespace saturn {

BigInt binomial(int n, int k);  // 0 outside 0 <= k <= n
// Paths of r steps (+1 / -1) from height h to height 0 that never go below 0 (ballot numbers):
// C(r, u) - C(r, u - 1) with u = (r - h) / 2 ups; 0 when r - h is odd or negative.
BigInt ballot(int r, int h);

}  // namespace saturn
