// saturn.language(spec): membership, exact counts, uniform samples, next-symbol sets, and the
// tokenizer that matches model files (languages/language.h, languages/registry.h).
#include <fmt/format.h>

#include "common.h"
#include "core/error.h"
#include "harness/kinds/language/splits.h"
#include "harness/length_range.h"
#include "languages/registry.h"

namespace saturn::python {

namespace {

// A length given as an int, an (lo, hi) pair or a "lo..hi" string.
LengthRange length_arg(const py::handle& o) {
  if (py::isinstance<py::str>(o)) return parse_length_range(o.cast<std::string>());
  if (py::isinstance<py::tuple>(o) || py::isinstance<py::list>(o)) {
    const auto pair = o.cast<std::vector<int>>();
    if (pair.size() != 2) throw Error("a length range is a pair (lo, hi)");
    return parse_length_range(fmt::format("{}..{}", pair[0], pair[1]));
  }
  return parse_length_range(std::to_string(o.cast<int>()));
}

Word parse_word(const Language& lang, const py::handle& w) {
  if (py::isinstance<py::str>(w)) return lang.alphabet().parse(w.cast<std::string>());
  Word word;
  const int sigma = lang.alphabet().size();
  for (const auto id : w.cast<std::vector<long>>()) {
    if (id < 0 || id >= sigma)
      throw Error(fmt::format("symbol id {} is not in the alphabet of {} (ids 0..{})", id, lang.spec(), sigma - 1));
    word.push_back(static_cast<Symbol>(id));
  }
  return word;
}

}  // namespace

LanguagePtr language_arg(const py::handle& o) {
  if (py::isinstance<py::str>(o)) return make_language(o.cast<std::string>());
  return o.cast<std::shared_ptr<Language>>();
}

Tokenizer Tokenizer::of_config(const ModelConfig& c) {
  Tokenizer t;
  t.tokens = c.tokens;
  t.bos_id = c.bos_id;
  for (std::size_t i = 0; i < c.tokens.size(); ++i)
    if (c.tokens[i] == "<eos>") t.eos_id = static_cast<int>(i);
  std::string chars;
  for (int i = 0; i < c.bos_id && i < static_cast<int>(c.tokens.size()); ++i) {
    const auto& token = c.tokens[static_cast<std::size_t>(i)];
    if (token.size() != 1) throw Error(fmt::format("token {} '{}' is not a single character", i, token));
    chars += token;
  }
  t.alphabet = Alphabet(chars);
  return t;
}

Tokenizer Tokenizer::of_language(const Language& lang, bool eos) {
  Tokenizer t;
  t.alphabet = lang.alphabet();
  for (char ch : t.alphabet.chars()) t.tokens.emplace_back(1, ch);
  t.bos_id = static_cast<int>(t.tokens.size());
  t.tokens.push_back("<bos>");
  if (eos) {
    t.eos_id = static_cast<int>(t.tokens.size());
    t.tokens.push_back("<eos>");
  }
  return t;
}

std::vector<Word> Tokenizer::words(const std::vector<std::string>& strings) const {
  std::vector<Word> out;
  out.reserve(strings.size());
  for (std::size_t i = 0; i < strings.size(); ++i) {
    try {
      out.push_back(alphabet.parse(strings[i]));
    } catch (const Error& e) {
      throw Error(fmt::format("string {}: {}", i, e.what()));
    }
  }
  return out;
}

py::tuple Tokenizer::encode(const std::vector<std::string>& strings, std::int64_t pad_id) const {
  const auto ws = words(strings);
  std::size_t width = 1;
  for (const auto& w : ws) width = std::max(width, w.size() + 1);
  py::array_t<std::int64_t> ids({ws.size(), width});
  py::array_t<bool> mask({ws.size(), width});
  auto id = ids.mutable_unchecked<2>();
  auto ok = mask.mutable_unchecked<2>();
  for (std::size_t b = 0; b < ws.size(); ++b)
    for (std::size_t t = 0; t < width; ++t) {
      const bool in = t <= ws[b].size();
      ok(b, t) = in;
      id(b, t) = !in ? pad_id : t == 0 ? bos_id : ws[b][t - 1];
    }
  return py::make_tuple(ids, mask);
}

std::vector<std::string> Tokenizer::decode(const py::array_t<std::int64_t>& ids, const py::object& mask_arg) const {
  if (ids.ndim() != 1 && ids.ndim() != 2) throw Error("decode: ids must be a 1-D or 2-D array");
  const bool masked = !mask_arg.is_none();
  py::array_t<bool> mask;
  if (masked) {
    mask = mask_arg.cast<py::array_t<bool>>();
    if (mask.ndim() != ids.ndim() || !std::equal(ids.shape(), ids.shape() + ids.ndim(), mask.shape()))
      throw Error("decode: mask must have the shape of ids");
  }
  const auto rows = ids.ndim() == 1 ? 1 : ids.shape(0);
  const auto cols = ids.ndim() == 1 ? ids.shape(0) : ids.shape(1);
  std::vector<std::string> out;
  for (py::ssize_t b = 0; b < rows; ++b) {
    std::string s;
    for (py::ssize_t t = 0; t < cols; ++t) {
      const auto v = ids.ndim() == 1 ? ids.at(t) : ids.at(b, t);
      if (masked && !(ids.ndim() == 1 ? mask.at(t) : mask.at(b, t))) continue;  // padding
      if (v >= 0 && v < alphabet.size()) s += alphabet.symbol_char(static_cast<Symbol>(v));  // <bos>, <eos>, padding: skipped
    }
    out.push_back(std::move(s));
  }
  return out;
}

void bind_languages(py::module_& m) {
  py::class_<Tokenizer>(m, "Tokenizer",
                        "Strings <-> token ids as in model files: symbol i is token i, then <bos> (and <eos>).")
      .def_readonly("tokens", &Tokenizer::tokens)
      .def_readonly("bos_id", &Tokenizer::bos_id)
      .def_property_readonly("eos_id", [](const Tokenizer& t) -> py::object {
        return t.eos_id < 0 ? py::object(py::none()) : py::int_(t.eos_id);
      })
      .def_property_readonly("alphabet", [](const Tokenizer& t) { return t.alphabet.chars(); })
      .def("encode", &Tokenizer::encode, py::arg("strings"), py::arg("pad_id") = 0,
           "(ids, mask): int64 (B, T) with <bos> first and pad_id after each string's end, and bool (B, T)")
      .def("decode", &Tokenizer::decode, py::arg("ids"), py::arg("mask") = py::none(),
           "strings from ids (B, T) or (T): <bos>, <eos> and the positions where mask is False dropped")
      .def("__repr__", [](const Tokenizer& t) {
        std::string list;
        for (const auto& s : t.tokens) list += (list.empty() ? "" : ", ") + s;
        return fmt::format("Tokenizer([{}])", list);
      });

  // The holder is a shared_ptr to non-const (pybind11 holders do not take const element types);
  // every method is const.
  py::class_<Language, std::shared_ptr<Language>>(m, "Language", "A formal language (languages/language.h)")
      .def_property_readonly("spec", &Language::spec)
      .def_property_readonly("description", &Language::description)
      .def_property_readonly("alphabet", [](const Language& l) { return l.alphabet().chars(); })
      .def(
          "count", [](const Language& l, int n) { return to_python(l.count(n)); }, py::arg("n"),
          "the exact number of members of length n (a Python int)")
      .def(
          "count_nonmembers", [](const Language& l, int n) { return to_python(l.count_nonmembers(n)); }, py::arg("n"))
      .def(
          "contains", [](const Language& l, const py::handle& w) { return l.contains(parse_word(l, w)); }, py::arg("w"),
          "membership of a string, or of a sequence of symbol ids")
      .def("__contains__", [](const Language& l, const py::handle& w) { return l.contains(parse_word(l, w)); })
      .def(
          "next_symbols",
          [](const Language& l, const py::handle& prefix) {
            const auto ns = l.next_symbols(parse_word(l, prefix));
            std::string allowed;
            for (int a = 0; a < l.alphabet().size(); ++a)
              if (ns.allows(static_cast<Symbol>(a))) allowed += l.alphabet().symbol_char(static_cast<Symbol>(a));
            py::dict d;
            d["allowed"] = allowed;
            d["is_member"] = ns.is_member;
            return d;
          },
          py::arg("prefix"),
          "{'allowed': the symbols that keep prefix a prefix of some member, 'is_member': prefix is a member}")
      .def(
          "sample",
          [](const Language& l, const py::handle& n, int k, std::uint64_t seed, const py::object& nonmember) {
            SplitOptions o;  // the same draw as `saturn sample` (apps/cmd_sample.cpp)
            o.lengths = length_arg(n);
            o.size = k;
            o.seed = seed;
            if (nonmember.is_none()) {
              o.positive_fraction = 1.0;
            } else {
              const auto kind = nonmember.cast<std::string>();
              if (kind != "uniform" && kind != "near_miss")
                throw Error(fmt::format("nonmember '{}': expected 'uniform' or 'near_miss'", kind));
              o.positive_fraction = 0.0;
              o.negatives = kind == "near_miss" ? NegativeMix{0.0, 1.0} : NegativeMix{1.0, 0.0, true};
            }
            if (k < 0) throw Error("sample: k must be >= 0");
            Split split;
            {
              py::gil_scoped_release release;
              split = make_split(l, o, "");
            }
            std::vector<std::string> out;
            for (const auto& ex : split.examples) out.push_back(l.alphabet().to_string(ex.word));
            return out;
          },
          py::arg("n"), py::arg("k"), py::arg("seed") = 1, py::arg("nonmember") = py::none(),
          "k strings of length n (an int, (lo, hi) or 'lo..hi': lengths drawn uniformly), exactly uniform members, "
          "or non-members when nonmember is 'uniform' or 'near_miss'; the same strings as `saturn sample`")
      .def(
          "tokenizer", [](const Language& l, bool eos) { return Tokenizer::of_language(l, eos); },
          py::arg("eos") = false, "the token list of this language's models (<eos> too for an lm head)")
      .def(
          "encode",
          [](const Language& l, const std::vector<std::string>& strings, std::int64_t pad_id) {
            return Tokenizer::of_language(l, false).encode(strings, pad_id);
          },
          py::arg("strings"), py::arg("pad_id") = 0, "tokenizer().encode(strings)")
      .def("__repr__", [](const Language& l) { return fmt::format("saturn.language('{}')", l.spec()); });

  m.def(
      "language", [](const std::string& spec) { return std::const_pointer_cast<Language>(make_language(spec)); },
      py::arg("spec"),
      "a language from its spec, e.g. 'dyck:k=2', 'anbn', 'and(anbn;parity)' (see saturn.languages())");
  m.def("languages", [] {
    py::list out;
    for (const auto& info : language_registry()) {
      py::dict d;
      d["name"] = info.name;
      d["params"] = info.params;
      d["description"] = info.description;
      out.append(d);
    }
    return out;
  });
}

}  // namespace saturn::python
