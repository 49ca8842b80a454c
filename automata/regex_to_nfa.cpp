#include "automata/regex_to_nfa.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/error.h"

namespace saturn::automata {

namespace {

constexpr std::string_view kMeta = "|*+?()[].\\";

// Recursive-descent parser building Thompson fragments (start, accept) in one automaton.
class Parser {
 public:
  Parser(std::string_view p, const Alphabet& a) : p_(p), alphabet_(a) { nfa_.alphabet = a; }

  Automaton parse() {
    const auto [s, f] = alternation();
    if (pos_ < p_.size()) fail(p_[pos_] == ')' ? "unbalanced ')'" : "unexpected character");
    nfa_.start = s;
    nfa_.graph[f].accepting = true;
    return std::move(nfa_);
  }

 private:
  using Frag = std::pair<State, State>;

  [[noreturn]] void fail(const std::string& why) const {
    // A long pattern is shown by its first 60 characters and its length: the message stays one line.
    const std::string shown = p_.size() <= 80 ? fmt::format("'{}'", p_)
                                              : fmt::format("'{}...' ({} characters)", p_.substr(0, 60), p_.size());
    throw Error(fmt::format("regex {}: {} at column {}", shown, why, pos_ + 1));
  }
  bool at(char c) const { return pos_ < p_.size() && p_[pos_] == c; }

  Frag empty() {
    const State s = nfa_.add_state(), f = nfa_.add_state();
    nfa_.add_edge(s, f, kEpsilon);
    return {s, f};
  }
  Frag symbols(const std::set<int>& syms) {
    const State s = nfa_.add_state(), f = nfa_.add_state();
    for (int a : syms) nfa_.add_edge(s, f, a);
    return {s, f};
  }
  int symbol_of(char c) {
    const int s = alphabet_.index_of(c);
    if (s < 0) fail(fmt::format("'{}' is not in the alphabet \"{}\"", c, alphabet_.chars()));
    return s;
  }

  Frag alternation() {
    Frag left = concatenation();
    while (at('|')) {
      ++pos_;
      const Frag right = concatenation();
      const State s = nfa_.add_state(), f = nfa_.add_state();
      nfa_.add_edge(s, left.first, kEpsilon);
      nfa_.add_edge(s, right.first, kEpsilon);
      nfa_.add_edge(left.second, f, kEpsilon);
      nfa_.add_edge(right.second, f, kEpsilon);
      left = {s, f};
    }
    return left;
  }

  Frag concatenation() {
    Frag result = empty();
    while (pos_ < p_.size() && !at('|') && !at(')')) {
      const Frag next = repetition();
      nfa_.add_edge(result.second, next.first, kEpsilon);
      result.second = next.second;
    }
    return result;
  }

  Frag repetition() {
    Frag f = atom();
    while (at('*') || at('+') || at('?')) {
      const char op = p_[pos_++];
      const State s = nfa_.add_state(), e = nfa_.add_state();
      nfa_.add_edge(s, f.first, kEpsilon);
      nfa_.add_edge(f.second, e, kEpsilon);
      if (op != '+') nfa_.add_edge(s, e, kEpsilon);         // skip: * and ?
      if (op != '?') nfa_.add_edge(f.second, f.first, kEpsilon);  // repeat: * and +
      f = {s, e};
    }
    return f;
  }

  Frag atom() {
    if (at('(')) {
      if (depth_ == kMaxRegexNesting)
        fail(fmt::format("groups nested more than {} deep (the limit, kMaxRegexNesting)", kMaxRegexNesting));
      ++pos_;
      ++depth_;
      const Frag inner = alternation();
      --depth_;
      if (!at(')')) fail("missing ')'");
      ++pos_;
      return inner;
    }
    if (at('[')) return char_class();
    if (at('.')) {
      ++pos_;
      std::set<int> all;
      for (int a = 0; a < alphabet_.size(); ++a) all.insert(a);
      return symbols(all);
    }
    if (at('*') || at('+') || at('?')) fail("nothing to repeat");
    if (at('\\')) {
      ++pos_;
      if (pos_ >= p_.size()) fail("dangling backslash");
    }
    const int sym = symbol_of(p_[pos_]);
    ++pos_;
    return symbols({sym});
  }

  Frag char_class() {
    ++pos_;  // '['
    std::set<int> syms;
    while (pos_ < p_.size() && !at(']')) {
      if (at('\\') && pos_ + 1 < p_.size()) ++pos_;
      const char lo = p_[pos_];
      const std::size_t lo_pos = pos_++;
      if (at('-') && pos_ + 1 < p_.size() && p_[pos_ + 1] != ']') {
        const char hi = p_[pos_ + 1];
        if (hi < lo) {
          pos_ = lo_pos;
          fail(fmt::format("empty character range '{}-{}'", lo, hi));
        }
        pos_ += 2;
        for (int c = lo; c <= hi; ++c)
          if (alphabet_.index_of(static_cast<char>(c)) >= 0) syms.insert(alphabet_.index_of(static_cast<char>(c)));
      } else {
        const std::size_t here = pos_;
        pos_ = lo_pos;
        syms.insert(symbol_of(lo));
        pos_ = here;
      }
    }
    if (!at(']')) fail("missing ']'");
    ++pos_;
    if (syms.empty()) fail("empty character class");
    return symbols(syms);
  }

  std::string_view p_;
  const Alphabet& alphabet_;
  Automaton nfa_;
  std::size_t pos_ = 0;
  int depth_ = 0;  // open groups around pos_
};

}  // namespace

Automaton regex_to_nfa(std::string_view pattern, const Alphabet& alphabet) { return Parser(pattern, alphabet).parse(); }

std::string regex_literals(std::string_view pattern) {
  std::set<char> chars;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      chars.insert(pattern[++i]);
    } else if (c == '[') {  // ranges inside classes
      for (++i; i < pattern.size() && pattern[i] != ']'; ++i) {
        if (pattern[i] == '-' && i + 1 < pattern.size() && pattern[i + 1] != ']' && i > 0 && pattern[i - 1] != '[') {
          for (char x = pattern[i - 1]; x <= pattern[i + 1]; ++x) chars.insert(x);
          ++i;
        } else if (pattern[i] == '\\' && i + 1 < pattern.size()) {
          chars.insert(pattern[++i]);
        } else {
          chars.insert(pattern[i]);
        }
      }
    } else if (kMeta.find(c) == std::string_view::npos) {
      chars.insert(c);
    }
  }
  return std::string(chars.begin(), chars.end());
}

}  // namespace saturn::automata
