// Saturated programs: a construction written as a short program in the spirit of RASP (Weiss et
// al. 2021), restricted to what saturated attention computes exactly, then interpreted
// (interpreter.h) or compiled to an ordinary model directory (compiler.h). The language is
// documented in docs/programs.md; in one screen:
//
//   program NAME                  first line
//   language SPEC                 the language it recognizes (languages/registry.h), for verify
//   alphabet ( )                  single-character symbols, in the language's order
//   causal true|false             default true
//   readout last|bos              default last when causal, bos otherwise
//   max_len N                     positions incl. BOS (default 4096)
//   position NAME = index | index^2 | (-1)^index     a learned positional feature
//   layout NAME ...               optional residual order of the variables (default: definition)
//   layer                         starts a layer
//   head SELECTOR -> V = LIN; W = LIN   one saturated head: V = mean of LIN over the selected keys
//   mlp V = EXPR                  sum of c*relu(LIN), c*LIN and a constant (the layer's FFN)
//   accept LIN                    accept when LIN > 0 at the readout position
//
// LIN is a linear combination (`2 x - 0.5 U + 1`, `2*x`) of variables, position features,
// `tok('c')` (1 where the symbol is c) and `bos` (1 at BOS). SELECTOR is `all` (every visible
// key), `max LIN` (the keys where LIN is maximal) or `score [Q] * [K] + [Q] * [K] ...` (the keys
// maximizing the sum of products of a query-side LIN and a key-side LIN). Selected keys are the
// scores tying the maximum under the tie rule of transformer/layers/tie_rule.h.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "transformer/config.h"

namespace saturn {

// Where a statement or expression starts in its file (1-based).
struct SourcePos {
  int line = 0, column = 0;
};

// A linear combination of sources plus a constant. A source is a variable or position-feature
// name, "bos", or "tok:c" for the indicator of symbol c.
struct Linear {
  std::vector<std::pair<std::string, double>> terms;  // in order of first appearance, merged
  double constant = 0;
  SourcePos pos;
  void add(const std::string& source, double coefficient);
};

struct ScorePair {
  Linear query, key;  // the score of key j for query i adds query(i) * key(j)
};

struct Selector {
  enum class Kind { all, max, score };
  Kind kind = Kind::all;
  std::vector<ScorePair> pairs;  // max: one pair with query = 1; all: none
};

struct HeadOutput {
  std::string var;
  Linear value;
  SourcePos pos;
};

struct Head {
  Selector selector;
  std::vector<HeadOutput> outputs;
  SourcePos pos;
};

struct MlpTerm {
  double coefficient = 1;
  bool relu = true;  // coefficient * relu(arg), or coefficient * arg (two ReLU units)
  Linear arg;
};

struct Mlp {
  std::string var;
  std::vector<MlpTerm> terms;
  double constant = 0;
  SourcePos pos;
};

struct ProgramLayer {
  std::vector<Head> heads;
  std::vector<Mlp> mlps;
  SourcePos pos;
};

enum class PositionFeature { index, index_squared, alternating };  // t, t^2, (-1)^t (BOS is t = 0)
double position_value(PositionFeature f, int t);
const char* to_string(PositionFeature f);

struct PositionVar {
  std::string name;
  PositionFeature feature = PositionFeature::index;
  SourcePos pos;
};

struct Program {
  std::string file;                // for messages
  std::string name, language;
  std::string alphabet;            // symbol characters in order
  bool causal = true;
  ClassifyReadout readout = ClassifyReadout::last;
  int max_len = 4096;
  std::vector<PositionVar> positions;
  std::vector<std::string> layout;  // the variables in residual order (filled in by the parser)
  std::vector<ProgramLayer> layers;
  Linear accept;

  // Every variable in definition order (heads of a layer, then its mlps).
  std::vector<std::string> variables() const;
};

// Parses and checks a program: syntax, one definition per variable, every name defined before it
// is read (a head reads the residual before its layer, an mlp the residual after the layer's
// heads), symbols in the alphabet, layout a permutation of the variables. Throws InputError
// naming file:line:column and the statement.
Program parse_program(const std::string& text, const std::string& file);
Program load_program(const std::filesystem::path& path);

// A linear expression as text (`2 x - 0.5 U + 1`), for layout reports.
std::string to_string(const Linear& l);

}  // namespace saturn
