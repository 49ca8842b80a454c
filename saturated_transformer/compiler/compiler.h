// The compiler of saturated programs (program.h) to ordinary model directories: one-hot token
// embeddings (BOS included), a learned positional table holding the program's position features
// (none when it has none), no layer norm, ReLU, a classifier. Each variable owns one residual
// dimension (tokens, BOS and position features first, then the variables in layout order); each
// `head` is one attention head (query/key slot p holds the p-th score pair, value slots copy the
// residual dimensions its outputs read — the whole token block when any token is read — and the
// output projection writes each output's linear combination into its dimension); each `mlp` term
// is one FFN unit (a linear term two: relu(x) - relu(-x)); `accept` is the classifier row.
// Layers are the program's layers; n_heads is the most heads of any layer, d_model is padded so
// each head has room for its slots, d_ff is the most units of any layer (at least 1).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "saturated_transformer/compiler/program.h"
#include "saturated_transformer/eval_mode.h"
#include "saturated_transformer/model_weights.h"

namespace saturn {

struct LayoutEntry {
  int dim = 0;
  std::string name;        // tok('a'), bos, a position feature or a variable; "(padding)"
  std::string written_by;  // embedding, positions, layer L head H, layer L mlp units A-B
  std::string meaning;     // the definition
};

struct CompiledProgram {
  ModelWeights weights;
  std::vector<LayoutEntry> layout;    // one entry per residual dimension
  std::map<std::string, int> dim_of;  // source / variable -> residual dimension
};

// Throws saturn::Error when the program does not fit the model bounds (transformer/config.h).
CompiledProgram compile_program(const Program& program);

// The residual-stream layout report: shapes, then one line per dimension, then each head's slots.
std::string layout_report(const Program& program, const CompiledProgram& compiled);

// The differential check: every word up to max_length, the interpreter against the compiled model
// evaluated in `mode` (saturated by default; hard_left/hard_right interpret with the same pick):
// the decisions must agree, and every variable's residual dimension and the classifier logit
// must equal the interpreter's values within 1e-9 * max(1, |value|). Two logits that are equal within
// that tolerance but on either side of 0 (a tie decided by rounding, e.g. majority on #1 = #0) are
// counted as rounding ties, not as mismatches.
struct DifferentialReport {
  std::uint64_t words = 0, decision_mismatches = 0, value_mismatches = 0, rounding_ties = 0;
  std::string first_mismatch;  // the shortest word that differs and how (empty when none)
  bool ok() const { return decision_mismatches == 0 && value_mismatches == 0; }
};
DifferentialReport check_against_interpreter(const Program& program, const CompiledProgram& compiled, int max_length,
                                             EvalMode mode = EvalMode::saturated());

}  // namespace saturn
