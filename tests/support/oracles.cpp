#include "tests/support/oracles.h"

#include <algorithm>
#include <map>
#include <regex>

namespace saturn::testing {

namespace {

// Bracket type t: "()[]{}<>" for t < 4, then "aA", "bB", ... (the order of the Dyck alphabet).
const std::string kOpen = "([{<abcd", kClose = ")]}>ABCD";

bool dyck(const std::string& w, int depth_limit) {
  std::string stack;
  for (char c : w) {
    if (kOpen.find(c) != std::string::npos) {
      stack.push_back(c);
      if (depth_limit > 0 && static_cast<int>(stack.size()) > depth_limit) return false;
    } else {
      const auto i = kClose.find(c);
      if (i == std::string::npos || stack.empty() || stack.back() != kOpen[i]) return false;
      stack.pop_back();
    }
  }
  return stack.empty();
}

bool shuffle_dyck(const std::string& w) {
  for (std::size_t t = 0; t < kOpen.size(); ++t) {
    long depth = 0;
    for (char c : w) {
      if (c == kOpen[t]) ++depth;
      if (c == kClose[t] && --depth < 0) return false;
    }
    if (depth != 0) return false;
  }
  return true;
}

// a1^n ... am^n: the string equals letter 0 repeated n times, then letter 1, ...
bool counter(const std::string& w, int m) {
  if (w.size() % static_cast<std::size_t>(m) != 0) return false;
  const std::size_t n = w.size() / static_cast<std::size_t>(m);
  std::string expect;
  for (int i = 0; i < m; ++i) expect += std::string(n, static_cast<char>('a' + i));
  return w == expect;
}

long count_char(const std::string& w, char c) { return static_cast<long>(std::count(w.begin(), w.end(), c)); }

bool tomita(int n, const std::string& w) {
  switch (n) {
    case 1: return w.find('0') == std::string::npos;
    case 2: {
      if (w.size() % 2) return false;
      for (std::size_t i = 0; i < w.size(); ++i)
        if (w[i] != (i % 2 == 0 ? '1' : '0')) return false;
      return true;
    }
    case 3: {  // maximal runs: an odd run of 1s directly followed by an odd run of 0s is forbidden
      std::vector<std::pair<char, std::size_t>> runs;
      for (char c : w) {
        if (!runs.empty() && runs.back().first == c) ++runs.back().second;
        else runs.push_back({c, 1});
      }
      for (std::size_t i = 0; i + 1 < runs.size(); ++i)
        if (runs[i].first == '1' && runs[i].second % 2 == 1 && runs[i + 1].second % 2 == 1) return false;
      return true;
    }
    case 4: return w.find("000") == std::string::npos;
    case 5: return count_char(w, '0') % 2 == 0 && count_char(w, '1') % 2 == 0;
    case 6: return (count_char(w, '0') - count_char(w, '1')) % 3 == 0;
    default: return std::regex_match(w, std::regex("0*1*0*1*"));
  }
}

std::map<std::string, std::string> parse_params(const std::string& spec) {
  std::map<std::string, std::string> p;
  const auto colon = spec.find(':');
  if (colon == std::string::npos) return p;
  const std::string rest = spec.substr(colon + 1);
  if (rest.rfind("pattern=", 0) == 0) {  // the pattern may contain ',' and '='
    const auto alphabet = rest.rfind(",alphabet=");
    p["pattern"] = rest.substr(8, alphabet == std::string::npos ? std::string::npos : alphabet - 8);
    if (alphabet != std::string::npos) p["alphabet"] = rest.substr(alphabet + 10);
    return p;
  }
  std::size_t start = 0;
  while (start < rest.size()) {
    auto comma = rest.find(',', start);
    if (comma == std::string::npos) comma = rest.size();
    const auto item = rest.substr(start, comma - start);
    const auto eq = item.find('=');
    p[item.substr(0, eq)] = item.substr(eq + 1);
    start = comma + 1;
  }
  return p;
}

}  // namespace

Oracle oracle_for(const std::string& spec) {
  for (const std::string fn : {"and(", "or(", "not("}) {
    if (spec.rfind(fn, 0) != 0) continue;
    const std::string inner = spec.substr(fn.size(), spec.size() - fn.size() - 1);
    if (fn == "not(") {
      const Oracle a = oracle_for(inner);
      return [a](const std::string& w) { return !a(w); };
    }
    int depth = 0;
    std::size_t split = 0;
    for (std::size_t i = 0; i < inner.size(); ++i) {
      depth += inner[i] == '(' ? 1 : inner[i] == ')' ? -1 : 0;
      if (inner[i] == ';' && depth == 0) split = i;
    }
    const Oracle a = oracle_for(inner.substr(0, split)), b = oracle_for(inner.substr(split + 1));
    if (fn == "and(") return [a, b](const std::string& w) { return a(w) && b(w); };
    return [a, b](const std::string& w) { return a(w) || b(w); };
  }
  const std::string name = spec.substr(0, spec.find(':'));
  auto p = parse_params(spec);
  if (name == "dyck") {
    const int depth = p.count("depth") ? std::stoi(p["depth"]) : 0;
    return [depth](const std::string& w) { return dyck(w, depth); };
  }
  if (name == "shuffle_dyck") return shuffle_dyck;
  if (name == "anbn") return [](const std::string& w) { return counter(w, 2); };
  if (name == "anbncn") return [](const std::string& w) { return counter(w, 3); };
  if (name == "counter") {
    const int m = std::stoi(p["m"]);
    return [m](const std::string& w) { return counter(w, m); };
  }
  if (name == "parity") return [](const std::string& w) { return count_char(w, '1') % 2 == 1; };
  if (name == "majority") return [](const std::string& w) { return count_char(w, '1') > count_char(w, '0'); };
  if (name == "aa_star") return [](const std::string& w) { return w.size() % 2 == 0; };
  if (name == "modcount") {
    const long m = std::stol(p["m"]), r = p.count("r") ? std::stol(p["r"]) : 0;
    return [m, r](const std::string& w) { return count_char(w, '1') % m == r; };
  }
  if (name == "tomita") {
    const int n = std::stoi(p["n"]);
    return [n](const std::string& w) { return tomita(n, w); };
  }
  if (name == "first") return [](const std::string& w) { return !w.empty() && w[0] == '1'; };
  if (name == "copy" || name == "reverse") {
    const bool rev = name == "reverse";
    return [rev](const std::string& w) {
      const auto h = w.find('#');
      if (h == std::string::npos || w.find('#', h + 1) != std::string::npos) return false;
      std::string a = w.substr(0, h), b = w.substr(h + 1);
      if (rev) std::reverse(b.begin(), b.end());
      return a == b;
    };
  }
  if (name == "palindrome") return [](const std::string& w) { return std::equal(w.begin(), w.end(), w.rbegin()); };
  if (name == "regex") {
    const std::regex re(p["pattern"]);
    return [re](const std::string& w) { return std::regex_match(w, re); };
  }
  return {};
}

std::vector<Word> enumerate_words(int alphabet_size, int n) {
  std::vector<Word> out{Word{}};
  for (int i = 0; i < n; ++i) {
    std::vector<Word> next;
    next.reserve(out.size() * static_cast<std::size_t>(alphabet_size));
    for (const auto& w : out)
      for (int a = 0; a < alphabet_size; ++a) {
        next.push_back(w);
        next.back().push_back(static_cast<Symbol>(a));
      }
    out.swap(next);
  }
  return out;
}

std::vector<std::string> all_strings(const std::string& alphabet, int n) {
  std::vector<std::string> out{""};
  for (int i = 0; i < n; ++i) {
    std::vector<std::string> next;
    next.reserve(out.size() * alphabet.size());
    for (const auto& s : out)
      for (char c : alphabet) next.push_back(s + c);
    out.swap(next);
  }
  return out;
}

BigInt catalan(int m) {
  std::vector<BigInt> c{1};
  for (int n = 0; n < m; ++n) {
    BigInt next = 0;
    for (int i = 0; i <= n; ++i) next += c[static_cast<std::size_t>(i)] * c[static_cast<std::size_t>(n - i)];
    c.push_back(next);
  }
  return c[static_cast<std::size_t>(std::max(m, 0))];
}

}  // namespace saturn::testing
