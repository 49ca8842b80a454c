// Every shipped program's compiled model loads in python/torch_reference.py (load_model_dir) and
// decides like Saturn's evaluator there, in saturated mode (and hard_left/hard_right for the
// star-free Tomita programs): every word up to a short length plus sampled members and
// non-members at lengths 100..200, logits equal within 1e-9 (relative). Skipped when Debian's
// /usr/bin/python3 with torch is not installed.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "core/enumerate.h"
#include "core/error.h"
#include "core/rng.h"
#include "languages/registry.h"
#include "saturated_transformer/compiler/compiler.h"
#include "saturated_transformer/evaluator.h"
#include "saturated_transformer/verifier.h"

namespace saturn {
namespace {

const std::filesystem::path kSource = SATURN_SOURCE_DIR;

// Reads a model directory with torch_reference.load_model_dir and prints, for each mode and each
// line of token ids (BOS first), the classifier logit.
const char* kScript = R"(import sys
sys.path.insert(0, sys.argv[1])
import torch
import torch_reference as tr
model = tr.load_model_dir(sys.argv[2])
words = [[int(x) for x in line.split()] for line in open(sys.argv[3])]
T = max(len(w) for w in words)
ids = torch.zeros(len(words), T, dtype=torch.long)
mask = torch.zeros(len(words), T, dtype=torch.bool)
for i, w in enumerate(words):
    ids[i, :len(w)] = torch.tensor(w)
    mask[i, :len(w)] = True
with torch.no_grad():
    for mode in sys.argv[4:]:
        for x in model.forward(ids, mask, mode).tolist():
            print(repr(x))
)";

bool have_torch() { return std::system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") == 0; }

TEST(ProgramsInTorch, CompiledModelsDecideLikeSaturn) {
  if (!have_torch()) GTEST_SKIP() << "/usr/bin/python3 with torch is not installed";
  const auto tmp = std::filesystem::temp_directory_path() / ("saturn_programs_torch_" + std::to_string(::getpid()));
  std::filesystem::create_directories(tmp);
  { std::ofstream(tmp / "check.py") << kScript; }
  int programs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kSource / "saturated_transformer/programs")) {
    if (entry.path().extension() != ".sat") continue;
    const auto p = load_program(entry.path());
    const auto c = compile_program(p);
    const auto dir = tmp / p.name;
    save_model_weights(dir, c.weights);
    const auto lang = make_language(p.language);
    const int k = lang->alphabet().size();
    std::vector<Word> words;
    for (int n = 0; n <= max_length_within(k, 400, 10); ++n) {
      Word w(static_cast<std::size_t>(n), 0);
      do words.push_back(w);
      while (next_word(k, w));
    }
    Rng rng(7, static_cast<std::uint64_t>(programs));
    for (int i = 0; i < 10; ++i) {
      const int n = 100 + 10 * i;
      try {
        words.push_back(lang->sample_member(n, rng));
      } catch (const NoMembersError&) {
      }
      words.push_back(lang->sample_nonmember(n, rng));
    }
    {
      std::ofstream out(dir / "words.txt");
      for (const auto& w : words) {
        out << c.weights.config.bos_id;
        for (auto s : w) out << ' ' << static_cast<int>(s);
        out << '\n';
      }
    }
    std::vector<std::string> modes = {"saturated"};
    if (p.name.rfind("tomita", 0) == 0) modes.push_back("hard_left"), modes.push_back("hard_right");
    std::string cmd = "/usr/bin/python3 " + (tmp / "check.py").string() + " " + (kSource / "python").string() + " " +
                      dir.string() + " " + (dir / "words.txt").string();
    for (const auto& m : modes) cmd += " " + m;
    cmd += " > " + (dir / "logits.txt").string();
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    std::ifstream in(dir / "logits.txt");
    for (const auto& m : modes) {
      const Evaluator ev(c.weights, EvalMode::parse(m));
      int disagree = 0;
      for (const auto& w : words) {
        double torch_logit = 0;
        ASSERT_TRUE(in >> torch_logit) << p.name << ": too few logits from torch";
        const double saturn_logit = ev.run(w).readout_logit;
        // Equal logits within 1e-9; a decision may differ only where both are 0 up to rounding.
        const bool close = std::abs(torch_logit - saturn_logit) <= 1e-9 * std::max(1.0, std::abs(saturn_logit));
        const bool same = close && ((torch_logit > 0) == (saturn_logit > 0) || std::abs(saturn_logit) <= 1e-9);
        if (!same && disagree++ < 3)
          ADD_FAILURE() << p.name << " " << m << ": word of length " << w.size() << ": torch " << torch_logit << ", saturn "
                        << saturn_logit;
      }
    }
    ++programs;
  }
  EXPECT_GE(programs, 14);
  std::filesystem::remove_all(tmp);
}

}  // namespace
}  // namespace saturn
