#include "core/enumerate.h"

#include <fmt/format.h>

namespace saturn {

std::uint64_t num_words(int alphabet_size, int n) {
  std::uint64_t total = 1;
  for (int i = 0; i < n; ++i) {
    if (total > (std::uint64_t{1} << 62) / static_cast<std::uint64_t>(alphabet_size))
      throw std::overflow_error(fmt::format("{}^{} words do not fit in 63 bits", alphabet_size, n));
    total *= static_cast<std::uint64_t>(alphabet_size);
  }
  return total;
}

void decode_word(int alphabet_size, std::uint64_t index, Word& w) {
  for (std::size_t i = w.size(); i-- > 0;) {
    w[i] = static_cast<Symbol>(index % static_cast<std::uint64_t>(alphabet_size));
    index /= static_cast<std::uint64_t>(alphabet_size);
  }
}

}  // namespace saturn
