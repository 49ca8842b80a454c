// Fuzz target: DFA tables in YAML (dfa:file=F, languages/dfa_file.h): the input is the file; a
// table that loads is exercised as a language on lengths 0..5 (fuzz_support.h).
#include <cstdint>
#include <string_view>

#include "languages/registry.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace saturn;
  static const auto path = fuzz::scratch_dir() / "dfa.yaml";
  fuzz::write_bytes(path, {reinterpret_cast<const char*>(data), size});
  LanguagePtr lang;
  if (!fuzz::refused_or_done([&] { lang = make_language("dfa:file=" + path.string()); })) return 0;
  fuzz::refused_or_done([&] { fuzz::exercise_language(*lang, size); });
  return 0;
}
