// Fuzz target: loading a model directory. The input is config.json's bytes, a NUL byte, then
// model.safetensors' bytes (no NUL: no weights file). Both loaders run — the trainer's
// (load_model_dir, float) and the simulator's (load_model_weights) — and a model that loads is
// evaluated on a few short strings, as `saturn eval` would.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "saturated_transformer/evaluator.h"
#include "saturated_transformer/model_weights.h"
#include "tests/fuzz/fuzz_support.h"
#include "transformer/model_dir.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace saturn;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  static const auto dir = fuzz::scratch_dir() / "model";
  std::filesystem::create_directories(dir);
  const auto nul = bytes.find('\0');
  fuzz::write_bytes(dir / "config.json", bytes.substr(0, nul));
  if (nul == std::string_view::npos) std::filesystem::remove(dir / "model.safetensors");
  else fuzz::write_bytes(dir / "model.safetensors", bytes.substr(nul + 1));

  fuzz::refused_or_done([&] { (void)load_model_dir<float>(dir); });
  ModelWeights weights;
  if (!fuzz::refused_or_done([&] { weights = load_model_weights(dir); })) return 0;
  const auto& c = weights.config;
  fuzz::refused_or_done([&] {
    const Evaluator ev(weights, EvalMode::saturated());
    // Strings of the symbols below <bos>, as long as the model's positions allow (at most 4).
    const int symbols = std::max(0, c.bos_id);
    for (int n = 0; n <= std::min(4, c.max_len - 1); ++n) {
      Word w(static_cast<std::size_t>(n));
      for (int i = 0; i < n; ++i) w[static_cast<std::size_t>(i)] = static_cast<Symbol>(symbols > 0 ? i % symbols : 0);
      const auto r = ev.run(w, {true, true, true});
      fuzz::fuzz_check(r.logits.rows() == n + 1, "one row of logits per position");
      (void)ev.accepts(w);
    }
  });
  return 0;
}
