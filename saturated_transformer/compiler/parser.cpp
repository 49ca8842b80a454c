// The parser and checker of saturated programs (program.h; the language: docs/programs.md).
#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "core/error.h"
#include "saturated_transformer/compiler/program.h"

namespace saturn {

void Linear::add(const std::string& source, double coefficient) {
  for (auto& [name, c] : terms)
    if (name == source) {
      c += coefficient;
      return;
    }
  terms.emplace_back(source, coefficient);
}

double position_value(PositionFeature f, int t) {
  switch (f) {
    case PositionFeature::index: return t;
    case PositionFeature::index_squared: return static_cast<double>(t) * t;
    case PositionFeature::alternating: return t % 2 == 0 ? 1.0 : -1.0;
  }
  return 0;
}

const char* to_string(PositionFeature f) {
  switch (f) {
    case PositionFeature::index: return "index";
    case PositionFeature::index_squared: return "index^2";
    case PositionFeature::alternating: return "(-1)^index";
  }
  return "";
}

std::vector<std::string> Program::variables() const {
  std::vector<std::string> out;
  for (const auto& l : layers) {
    for (const auto& h : l.heads)
      for (const auto& o : h.outputs) out.push_back(o.var);
    for (const auto& m : l.mlps) out.push_back(m.var);
  }
  return out;
}

std::string to_string(const Linear& l) {
  std::string s;
  auto shown = [](const std::string& src) { return src.rfind("tok:", 0) == 0 ? fmt::format("tok('{}')", src.substr(4)) : src; };
  for (const auto& [name, c] : l.terms) {
    if (c == 0) continue;
    const double a = std::abs(c);
    s += s.empty() ? (c < 0 ? "-" : "") : (c < 0 ? " - " : " + ");
    if (a != 1) s += fmt::format("{:g} ", a);
    s += shown(name);
  }
  if (l.constant != 0 || s.empty())
    s += s.empty() ? fmt::format("{:g}", l.constant) : fmt::format(" {} {:g}", l.constant < 0 ? "-" : "+", std::abs(l.constant));
  return s;
}

namespace {

struct Token {
  enum Kind { ident, number, string, punct, end } kind = end;
  std::string text;
  double value = 0;
  int column = 0;
};

const std::set<std::string> kKeywords = {"program", "language", "alphabet", "causal", "readout", "max_len", "position",
                                         "layout",  "layer",    "head",     "mlp",    "accept",  "tok",     "bos",
                                         "relu",    "all",      "max",      "score",  "index"};

class Parser {
 public:
  Parser(std::string file) : file_(std::move(file)) {}

  Program parse(const std::string& text) {
    p_.file = file_;
    std::istringstream in(text);
    std::string raw;
    while (std::getline(in, raw)) {
      ++line_no_;
      std::string line = strip_comment(raw);
      tokenize(line);
      if (tokens_.front().kind == Token::end) continue;
      statement(line);
    }
    finish();
    return std::move(p_);
  }

 private:
  [[noreturn]] void fail(int column, const std::string& field, const std::string& reason) const {
    throw InputError(file_, line_no_, column, field, reason);
  }

  static std::string strip_comment(const std::string& raw) {
    bool quoted = false;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\'') quoted = !quoted;
      if (raw[i] == '#' && !quoted) return raw.substr(0, i);
    }
    return raw;
  }

  void tokenize(const std::string& line) {
    tokens_.clear();
    at_ = 0;
    std::size_t i = 0;
    while (i < line.size()) {
      const char c = line[i];
      const int col = static_cast<int>(i) + 1;
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
      } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        std::size_t j = i;
        while (j < line.size() && (std::isalnum(static_cast<unsigned char>(line[j])) || line[j] == '_')) ++j;
        tokens_.push_back({Token::ident, line.substr(i, j - i), 0, col});
        i = j;
      } else if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && i + 1 < line.size() && std::isdigit(static_cast<unsigned char>(line[i + 1])))) {
        std::size_t used = 0;
        double v = 0;
        try {
          v = std::stod(line.substr(i), &used);
        } catch (const std::exception&) {
          fail(col, "number", fmt::format("'{}' is not a number", line.substr(i)));
        }
        if (!std::isfinite(v)) fail(col, "number", "not a finite number");
        tokens_.push_back({Token::number, line.substr(i, used), v, col});
        i += used;
      } else if (c == '\'') {
        const auto close = line.find('\'', i + 1);
        if (close == std::string::npos) fail(col, "symbol", "unterminated quoted symbol");
        tokens_.push_back({Token::string, line.substr(i + 1, close - i - 1), 0, col});
        i = close + 1;
      } else if (c == '-' && i + 1 < line.size() && line[i + 1] == '>') {
        tokens_.push_back({Token::punct, "->", 0, col});
        i += 2;
      } else {
        tokens_.push_back({Token::punct, std::string(1, c), 0, col});
        ++i;
      }
    }
    tokens_.push_back({Token::end, "", 0, static_cast<int>(line.size()) + 1});
  }

  const Token& peek() const { return tokens_[at_]; }
  Token next() { return tokens_[at_ < tokens_.size() - 1 ? at_++ : at_]; }
  bool accept_punct(const char* p) {
    if (peek().kind == Token::punct && peek().text == p) {
      ++at_;
      return true;
    }
    return false;
  }
  void expect_punct(const char* p, const std::string& field) {
    if (!accept_punct(p)) fail(peek().column, field, fmt::format("expected '{}', found {}", p, describe(peek())));
  }
  static std::string describe(const Token& t) { return t.kind == Token::end ? "the end of the line" : fmt::format("'{}'", t.text); }
  void expect_end(const std::string& field) {
    if (peek().kind != Token::end) fail(peek().column, field, fmt::format("unexpected {}", describe(peek())));
  }
  std::string identifier(const std::string& field) {
    const auto t = next();
    if (t.kind != Token::ident) fail(t.column, field, fmt::format("expected a name, found {}", describe(t)));
    return t.text;
  }
  // The rest of the line after the keyword, trimmed.
  std::string rest(const std::string& line) const {
    const auto from = static_cast<std::size_t>(tokens_[1].column - 1);
    auto s = from < line.size() ? line.substr(from) : std::string();
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    return s;
  }

  // --- expressions ---------------------------------------------------------------------------
  // A source name read at `t`: must be readable in the current scope.
  std::string source(const Token& t, const std::string& field, const std::set<std::string>& scope) {
    if (t.text == "bos") return "bos";
    if (t.text == "tok") {
      expect_punct("(", field);
      const auto s = next();
      if (s.kind != Token::string || s.text.size() != 1)
        fail(s.column, field, "tok(...) takes one quoted symbol, e.g. tok('a')");
      if (p_.alphabet.find(s.text[0]) == std::string::npos)
        fail(s.column, field, fmt::format("symbol '{}' is not in the alphabet '{}'", s.text, p_.alphabet));
      expect_punct(")", field);
      return "tok:" + s.text;
    }
    if (kKeywords.count(t.text)) fail(t.column, field, fmt::format("'{}' is a keyword, not a value", t.text));
    if (!positions_.count(t.text) && !scope.count(t.text)) {
      if (defined_.count(t.text))
        fail(t.column, field, fmt::format("'{}' is not available here (a head reads the residual before its layer, an mlp the residual after the layer's heads)", t.text));
      fail(t.column, field, fmt::format("unknown name '{}'", t.text));
    }
    return t.text;
  }

  // TERM := NUMBER ['*'] [ATOM] | ATOM ; with `mlp_terms`, ATOM may be relu(LIN).
  void linear_term(double sign, Linear& out, const std::string& field, const std::set<std::string>& scope,
                   std::vector<MlpTerm>* mlp_terms) {
    double c = sign;
    bool have_number = false;
    if (peek().kind == Token::number) {
      c *= next().value;
      have_number = true;
      accept_punct("*");
    }
    if (peek().kind != Token::ident) {
      if (!have_number) fail(peek().column, field, fmt::format("expected a number or a name, found {}", describe(peek())));
      out.constant += c;
      return;
    }
    const auto t = next();
    if (t.text == "relu") {
      if (!mlp_terms) fail(t.column, field, "relu(...) is only allowed as a term of an mlp, not inside another expression");
      expect_punct("(", field);
      MlpTerm term{c, true, linear(field, scope, nullptr)};
      expect_punct(")", field);
      mlp_terms->push_back(std::move(term));
      return;
    }
    out.add(source(t, field, scope), c);
  }

  Linear linear(const std::string& field, const std::set<std::string>& scope, std::vector<MlpTerm>* mlp_terms) {
    Linear out;
    out.pos = {line_no_, peek().column};
    double sign = 1;
    if (accept_punct("-")) sign = -1;
    else accept_punct("+");
    linear_term(sign, out, field, scope, mlp_terms);
    while (true) {
      if (accept_punct("+")) sign = 1;
      else if (accept_punct("-")) sign = -1;
      else break;
      linear_term(sign, out, field, scope, mlp_terms);
    }
    return out;
  }

  // --- statements ----------------------------------------------------------------------------
  void define(const std::string& name, int column, const std::string& field) {
    if (kKeywords.count(name)) fail(column, field, fmt::format("'{}' is a keyword", name));
    if (defined_.count(name) || positions_.count(name)) fail(column, field, fmt::format("'{}' is defined twice", name));
    defined_.insert(name);
  }

  void statement(const std::string& line) {
    const auto kw = tokens_.front();
    if (kw.kind != Token::ident) fail(kw.column, "", fmt::format("expected a statement keyword, found {}", describe(kw)));
    ++at_;
    const auto& k = kw.text;
    if (k != "program" && p_.name.empty()) fail(kw.column, "program", "the first statement must be 'program NAME'");
    if (k == "program") {
      if (!p_.name.empty()) fail(kw.column, "program", "given twice");
      p_.name = identifier("program");
      expect_end("program");
    } else if (k == "language") {
      p_.language = rest(line);
      if (p_.language.empty()) fail(kw.column, "language", "missing language spec");
    } else if (k == "alphabet") {
      if (!layers_started_ && p_.alphabet.empty()) {
        std::istringstream words(rest(line));
        std::string w;
        while (words >> w) {
          if (w.size() != 1) fail(kw.column, "alphabet", fmt::format("symbols are single characters, found '{}'", w));
          if (p_.alphabet.find(w) != std::string::npos) fail(kw.column, "alphabet", fmt::format("symbol '{}' twice", w));
          p_.alphabet += w;
        }
      }
      if (p_.alphabet.empty() || layers_started_) fail(kw.column, "alphabet", "needs at least one symbol, once, before the first layer");
    } else if (k == "causal") {
      const auto v = identifier("causal");
      if (v != "true" && v != "false") fail(tokens_[1].column, "causal", "expected true or false");
      p_.causal = v == "true";
      expect_end("causal");
    } else if (k == "readout") {
      const auto v = identifier("readout");
      if (v != "last" && v != "bos") fail(tokens_[1].column, "readout", "expected last or bos");
      p_.readout = v == "last" ? ClassifyReadout::last : ClassifyReadout::bos;
      readout_given_ = true;
      expect_end("readout");
    } else if (k == "max_len") {
      const auto t = next();
      if (t.kind != Token::number || t.value != std::floor(t.value) || t.value < 2 || t.value > 1 << 20)
        fail(t.column, "max_len", "expected an integer in 2..1048576");
      p_.max_len = static_cast<int>(t.value);
      expect_end("max_len");
    } else if (k == "position") {
      if (layers_started_) fail(kw.column, "position", "position features come before the first layer");
      PositionVar v;
      v.pos = {line_no_, tokens_[1].column};
      v.name = identifier("position");
      define(v.name, v.pos.column, "position");
      defined_.erase(v.name);
      positions_.insert(v.name);
      expect_punct("=", "position");
      std::string f;
      for (std::size_t i = at_; i + 1 < tokens_.size(); ++i) f += tokens_[i].text;
      if (f == "index") v.feature = PositionFeature::index;
      else if (f == "index^2") v.feature = PositionFeature::index_squared;
      else if (f == "(-1)^index") v.feature = PositionFeature::alternating;
      else fail(peek().column, "position", fmt::format("'{}' is not one of index, index^2, (-1)^index", f));
      p_.positions.push_back(v);
    } else if (k == "layout") {
      if (!p_.layout.empty()) fail(kw.column, "layout", "given twice");
      layout_pos_ = {line_no_, kw.column};
      while (peek().kind != Token::end) p_.layout.push_back(identifier("layout"));
      if (p_.layout.empty()) fail(kw.column, "layout", "expected the variables in residual order");
    } else if (k == "layer") {
      expect_end("layer");
      close_layer();
      layers_started_ = true;
      p_.layers.push_back({});
      p_.layers.back().pos = {line_no_, kw.column};
    } else if (k == "head") {
      head();
    } else if (k == "mlp") {
      mlp();
    } else if (k == "accept") {
      if (accept_seen_) fail(kw.column, "accept", "given twice");
      close_layer();
      accept_seen_ = true;
      p_.accept = linear("accept", visible_, nullptr);
      expect_end("accept");
    } else {
      fail(kw.column, "", fmt::format("unknown statement '{}'", k));
    }
  }

  ProgramLayer& current_layer(const Token& kw) {
    if (p_.layers.empty() || accept_seen_) fail(kw.column, kw.text, "must follow a 'layer' line (and come before 'accept')");
    return p_.layers.back();
  }

  void head() {
    const auto kw = tokens_.front();
    auto& layer = current_layer(kw);
    if (!layer.mlps.empty()) fail(kw.column, "head", "heads come before the mlps of their layer");
    Head h;
    h.pos = {line_no_, kw.column};
    const auto sel = next();
    if (sel.kind != Token::ident) fail(sel.column, "head", "expected a selector: all, max LIN or score [Q] * [K] + ...");
    if (sel.text == "all") {
      h.selector.kind = Selector::Kind::all;
    } else if (sel.text == "max") {
      h.selector.kind = Selector::Kind::max;
      ScorePair pair;
      pair.query.constant = 1;
      pair.key = linear("head", visible_, nullptr);
      h.selector.pairs.push_back(std::move(pair));
    } else if (sel.text == "score") {
      h.selector.kind = Selector::Kind::score;
      do {
        ScorePair pair;
        expect_punct("[", "head");
        pair.query = linear("head", visible_, nullptr);
        expect_punct("]", "head");
        expect_punct("*", "head");
        expect_punct("[", "head");
        pair.key = linear("head", visible_, nullptr);
        expect_punct("]", "head");
        h.selector.pairs.push_back(std::move(pair));
      } while (accept_punct("+"));
    } else {
      fail(sel.column, "head", fmt::format("unknown selector '{}' (all, max, score)", sel.text));
    }
    expect_punct("->", "head");
    do {
      HeadOutput o;
      o.pos = {line_no_, peek().column};
      o.var = identifier("head");
      define(o.var, o.pos.column, "head");
      expect_punct("=", "head");
      o.value = linear("head", visible_, nullptr);
      pending_heads_.insert(o.var);
      h.outputs.push_back(std::move(o));
    } while (accept_punct(";"));
    expect_end("head");
    layer.heads.push_back(std::move(h));
  }

  void mlp() {
    const auto kw = tokens_.front();
    auto& layer = current_layer(kw);
    Mlp m;
    m.pos = {line_no_, peek().column};
    m.var = identifier("mlp");
    expect_punct("=", "mlp");
    std::set<std::string> scope = visible_;
    scope.insert(pending_heads_.begin(), pending_heads_.end());
    Linear lin = linear("mlp", scope, &m.terms);
    define(m.var, m.pos.column, "mlp");
    expect_end("mlp");
    for (const auto& [name, c] : lin.terms) m.terms.push_back({1.0, false, Linear{{{name, c}}, 0, lin.pos}});
    m.constant = lin.constant;
    if (m.terms.empty()) fail(m.pos.column, "mlp", "an mlp needs a relu(...) or a linear term (a constant alone is not a computation)");
    pending_mlps_.insert(m.var);
    layer.mlps.push_back(std::move(m));
  }

  // The variables of the finished layer become visible to the next one.
  void close_layer() {
    visible_.insert(pending_heads_.begin(), pending_heads_.end());
    visible_.insert(pending_mlps_.begin(), pending_mlps_.end());
    pending_heads_.clear();
    pending_mlps_.clear();
  }

  void finish() {
    ++line_no_;
    if (p_.name.empty()) throw InputError(file_, 0, 0, "program", "empty program (expected 'program NAME' first)");
    if (p_.alphabet.empty()) throw InputError(file_, 0, 0, "alphabet", "missing");
    if (p_.layers.empty()) throw InputError(file_, 0, 0, "layer", "a program needs at least one layer");
    if (!accept_seen_) throw InputError(file_, 0, 0, "accept", "missing (accept LIN, after the last layer)");
    if (!readout_given_) p_.readout = p_.causal ? ClassifyReadout::last : ClassifyReadout::bos;
    const auto vars = p_.variables();
    if (p_.layout.empty()) {
      p_.layout = vars;
    } else {
      std::set<std::string> want(vars.begin(), vars.end()), got;
      for (const auto& v : p_.layout) {
        if (!want.count(v)) throw InputError(file_, layout_pos_.line, layout_pos_.column, "layout", fmt::format("'{}' is not a variable of the program", v));
        if (!got.insert(v).second) throw InputError(file_, layout_pos_.line, layout_pos_.column, "layout", fmt::format("'{}' listed twice", v));
      }
      for (const auto& v : vars)
        if (!got.count(v)) throw InputError(file_, layout_pos_.line, layout_pos_.column, "layout", fmt::format("variable '{}' is missing", v));
    }
  }

  std::string file_;
  Program p_;
  int line_no_ = 0;
  std::vector<Token> tokens_;
  std::size_t at_ = 0;
  std::set<std::string> defined_, positions_, visible_, pending_heads_, pending_mlps_;
  bool layers_started_ = false, accept_seen_ = false, readout_given_ = false;
  SourcePos layout_pos_;
};

}  // namespace

Program parse_program(const std::string& text, const std::string& file) { return Parser(file).parse(text); }

Program load_program(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot read the program file", path.string()));
  std::stringstream s;
  s << in.rdbuf();
  return parse_program(s.str(), path.string());
}

}  // namespace saturn
