#include "languages/combinatorics.h"

namespace saturn {

BigInt binomial(int n, int k) {
  if (k < 0 || n < 0 || k > n) return 0;
  if (k > n - k) k = n - k;
  BigInt c = 1;
  for (int i = 1; i <= k; ++i) c = c * (n - k + i) / i;
  return c;
}

BigInt ballot(int r, int h) {
  if (h < 0 || r < h || (r - h) % 2 != 0) return 0;
  const int u = (r - h) / 2;
  return binomial(r, u) - binomial(r, u - 1);
}

}  // namespace saturn
