// Fuzz target: language specs (languages/registry.h), e.g. "and(dyck:k=2;not(regex:pattern=(ab)*))":
// parse, then count / contains / sample / next_symbols on lengths 0..5 (fuzz_support.h). Specs
// naming a file (dfa:file=...) are skipped: reading any path is the user's choice, and the DFA file
// format has its own target (dfa_file_fuzz.cpp).
#include <cstdint>
#include <string>

#include "languages/registry.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace saturn;
  const std::string spec(reinterpret_cast<const char*>(data), size);
  if (spec.find("file") != std::string::npos) return 0;
  LanguagePtr lang;
  if (!fuzz::refused_or_done([&] { lang = make_language(spec); })) return 0;
  // The canonical spec names the same language.
  LanguagePtr again;
  fuzz::fuzz_check(fuzz::refused_or_done([&] { again = make_language(lang->spec()); }), "the canonical spec parses");
  for (int n = 0; n <= 4; ++n) fuzz::fuzz_check(lang->count(n) == again->count(n), "the canonical spec counts the same");
  fuzz::refused_or_done([&] { fuzz::exercise_language(*lang, size); });
  return 0;
}
