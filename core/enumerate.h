// Streaming enumeration of every word over an alphabet of size A, in parallel, in bounded memory.
//
// Words of length n are numbered 0 .. A^n - 1 in lexicographic (odometer) order; the range is cut
// into fixed chunks of kGrainEnumeration words, each decoded from its first index and then
// advanced in place, so memory is O(n) per task and the split does not depend on the thread count.
// Reductions use deterministic_reduce, so results are identical with 1 or N threads.
#pragma once

#include <cstdint>
#include <stdexcept>

#include "core/parallel.h"
#include "core/word.h"

namespace saturn {

// A^n, or throws std::overflow_error when it does not fit in 63 bits.
std::uint64_t num_words(int alphabet_size, int n);

// Writes the index-th word of length n (lexicographic, symbol 0 smallest) into w (size n).
void decode_word(int alphabet_size, std::uint64_t index, Word& w);

// Advances w to the next word of the same length; returns false after the last one.
inline bool next_word(int alphabet_size, Word& w) {
  for (std::size_t i = w.size(); i-- > 0;) {
    if (++w[i] < alphabet_size) return true;
    w[i] = 0;
  }
  return false;
}

// Reduces body(word) over every word of length n: body(WordView, T& acc) folds one word into a
// chunk-local accumulator starting from `identity`; join(T, T) combines chunks in a fixed tree.
template <class T, class Body, class Join>
T reduce_words(int alphabet_size, int n, const T& identity, Body body, Join join) {
  const std::uint64_t total = num_words(alphabet_size, n);
  return deterministic_reduce(
      std::size_t{0}, static_cast<std::size_t>(total), kGrainEnumeration, identity,
      [&](std::size_t lo, std::size_t hi) {
        T acc = identity;
        Word w(static_cast<std::size_t>(n));
        decode_word(alphabet_size, lo, w);
        for (std::size_t i = lo; i < hi; ++i) {
          body(WordView(w), acc);
          next_word(alphabet_size, w);
        }
        return acc;
      },
      join);
}

}  // namespace saturn
