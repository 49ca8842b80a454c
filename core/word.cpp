#include "core/word.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/error.h"

namespace saturn {

Alphabet::Alphabet(std::string chars) : chars_(std::move(chars)) {
  std::fill(std::begin(index_), std::end(index_), -1);
  if (chars_.size() > 64) throw Error("alphabet has more than 64 symbols");
  for (std::size_t i = 0; i < chars_.size(); ++i) {
    const auto c = static_cast<unsigned char>(chars_[i]);
    if (!std::isgraph(c)) throw Error(fmt::format("alphabet symbol #{} is not a printable character", i));
    if (index_[c] != -1) throw Error(fmt::format("alphabet symbol '{}' appears twice", chars_[i]));
    index_[c] = static_cast<int>(i);
  }
}

std::string Alphabet::to_string(WordView w) const {
  std::string s(w.size(), '?');
  for (std::size_t i = 0; i < w.size(); ++i) s[i] = chars_[w[i]];
  return s;
}

Word Alphabet::parse(std::string_view text) const {
  Word w(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const int s = index_of(text[i]);
    if (s < 0)
      throw Error(fmt::format("symbol '{}' at position {} is not in the alphabet \"{}\"", text[i], i, chars_));
    w[i] = static_cast<Symbol>(s);
  }
  return w;
}

}  // namespace saturn
