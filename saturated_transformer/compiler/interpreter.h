// The interpreter of saturated programs (program.h): evaluates a program on a word directly, from
// the definitions, without weights — the reference the compiled model is tested against
// (interpreter == compiled model in `saturated` mode, compiler_test.cpp).
//
// Positions are 0..n with BOS at 0. A head's query i sees keys 0..i (causal) or 0..n; the
// selected keys are those whose score ties the row's maximum (transformer/layers/tie_rule.h; `all`
// selects every visible key), and each output is the mean of its value over them. An mlp is its
// expression with relu applied. The word is accepted when `accept` is > 0 at the readout position.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/word.h"
#include "saturated_transformer/compiler/program.h"
#include "transformer/layers/tie_rule.h"

namespace saturn {

struct InterpretOptions {
  TiePick pick = TiePick::all;  // all: saturated; leftmost / rightmost: hard_left / hard_right
};

struct ProgramTrace {
  std::map<std::string, std::vector<double>> values;  // every source and variable, per position (n + 1)
  double logit = 0;                                   // accept at the readout position
  bool accepted = false;
};

// Throws saturn::Error when the word is longer than max_len - 1 or holds a symbol outside the alphabet.
ProgramTrace interpret(const Program& program, WordView word, const InterpretOptions& options = {});

}  // namespace saturn
