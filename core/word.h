// Words over a finite alphabet.
//
// A symbol is an index into its language's alphabet (0 .. |Σ|-1); an Alphabet maps indices to the
// single printable characters used in text files and on the command line.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace saturn {

using Symbol = std::uint8_t;
using Word = std::vector<Symbol>;
using WordView = std::span<const Symbol>;

// An ordered set of distinct printable characters; symbol i is chars[i].
class Alphabet {
 public:
  Alphabet() = default;
  explicit Alphabet(std::string chars);  // throws saturn::Error on duplicates or non-printables

  int size() const { return static_cast<int>(chars_.size()); }
  char symbol_char(Symbol s) const { return chars_[s]; }
  const std::string& chars() const { return chars_; }
  // Index of c, or -1 when c is not in the alphabet.
  int index_of(char c) const { return index_[static_cast<unsigned char>(c)]; }
  bool operator==(const Alphabet& o) const { return chars_ == o.chars_; }

  std::string to_string(WordView w) const;
  // Parses a text word; throws saturn::Error naming the offending character.
  Word parse(std::string_view text) const;

 private:
  std::string chars_;
  int index_[256];
};

}  // namespace saturn
