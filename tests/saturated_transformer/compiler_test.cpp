// The program language (saturated_transformer/compiler/): the parser's located errors, the
// interpreter on values computed by hand, the compiler's layout and weights, and the
// differential check (interpreter == compiled model) catching a deliberately broken weight.
#include <gtest/gtest.h>

#include <string>

#include "core/error.h"
#include "saturated_transformer/compiler/compiler.h"
#include "saturated_transformer/compiler/interpreter.h"
#include "saturated_transformer/evaluator.h"

namespace saturn {
namespace {

const char* kCounter = R"(# a small program touching every statement
program counter
language dyck:k=1
alphabet ( )
max_len 64
position t = index
position tsq = index^2
layer
head all -> D = tok('(') - tok(')'); U = bos; One = 1
head score [2 t - 2] * [t] + [-1] * [tsq] -> prevclose = tok(')')
mlp neg = relu(-D)
mlp lin = 2 D - 0.25
layer
head max neg -> maxneg = neg
accept 1 - 2 maxneg - prevclose + 0 U
)";

Word word(const std::string& s, const std::string& alphabet) {
  Word w;
  for (char c : s) w.push_back(static_cast<Symbol>(alphabet.find(c)));
  return w;
}

// The message of the InputError that parsing `text` throws ("" when it parses).
std::string parse_error(const std::string& text) {
  try {
    parse_program(text, "p.sat");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(ProgramParser, ReadsEveryStatement) {
  const auto p = parse_program(kCounter, "counter.sat");
  EXPECT_EQ(p.name, "counter");
  EXPECT_EQ(p.language, "dyck:k=1");
  EXPECT_EQ(p.alphabet, "()");
  EXPECT_TRUE(p.causal);
  EXPECT_EQ(p.readout, ClassifyReadout::last);
  EXPECT_EQ(p.max_len, 64);
  ASSERT_EQ(p.positions.size(), 2u);
  EXPECT_EQ(p.positions[1].feature, PositionFeature::index_squared);
  ASSERT_EQ(p.layers.size(), 2u);
  EXPECT_EQ(p.layers[0].heads.size(), 2u);
  EXPECT_EQ(p.layers[0].heads[0].outputs[2].value.constant, 1.0);
  EXPECT_EQ(p.layers[0].heads[1].selector.pairs.size(), 2u);
  EXPECT_EQ(p.layers[0].mlps[1].terms.size(), 1u);  // 2 D as one linear term, -0.25 as the constant
  EXPECT_FALSE(p.layers[0].mlps[1].terms[0].relu);
  EXPECT_EQ(p.layers[0].mlps[1].constant, -0.25);
  EXPECT_EQ(p.variables(), (std::vector<std::string>{"D", "U", "One", "prevclose", "neg", "lin", "maxneg"}));
  EXPECT_EQ(p.layout, p.variables());
  EXPECT_EQ(to_string(p.accept), "-2 maxneg - prevclose + 1");
}

TEST(ProgramParser, NamesFileLineColumnAndStatement) {
  const std::string head = "program p\nalphabet a b\nlayer\n";
  EXPECT_EQ(parse_error(head + "head all -> x = tok('c')\naccept x\n"),
            "p.sat:4:21: field 'head': symbol 'c' is not in the alphabet 'ab'");
  EXPECT_EQ(parse_error(head + "head all -> x = y\naccept x\n"), "p.sat:4:17: field 'head': unknown name 'y'");
  EXPECT_EQ(parse_error(head + "head all -> x = bos\nhead max x -> y = x\naccept y\n"),
            "p.sat:5:10: field 'head': 'x' is not available here (a head reads the residual before its layer, an mlp the "
            "residual after the layer's heads)");
  EXPECT_EQ(parse_error(head + "head all -> x = bos\nmlp m = relu(x)\nmlp n = relu(m)\naccept n\n"),
            "p.sat:6:14: field 'mlp': 'm' is not available here (a head reads the residual before its layer, an mlp the "
            "residual after the layer's heads)");
  EXPECT_EQ(parse_error(head + "head all -> x = bos; x = bos\naccept x\n"), "p.sat:4:22: field 'head': 'x' is defined twice");
  EXPECT_EQ(parse_error(head + "head all -> x = bos\nmlp m = relu(relu(x))\naccept m\n"),
            "p.sat:5:14: field 'mlp': relu(...) is only allowed as a term of an mlp, not inside another expression");
  EXPECT_EQ(parse_error(head + "head all -> x = bos\nmlp m = 3\naccept m\n"),
            "p.sat:5:5: field 'mlp': an mlp needs a relu(...) or a linear term (a constant alone is not a computation)");
  EXPECT_EQ(parse_error(head + "head any -> x = bos\naccept x\n"), "p.sat:4:6: field 'head': unknown selector 'any' (all, max, score)");
  EXPECT_EQ(parse_error(head + "head all -> x = bos\n"), "p.sat: field 'accept': missing (accept LIN, after the last layer)");
  EXPECT_EQ(parse_error("alphabet a\n"), "p.sat:1:1: field 'program': the first statement must be 'program NAME'");
  EXPECT_EQ(parse_error("program p\nalphabet a b\nlayout y x\nlayer\nhead all -> x = bos\naccept x\n"),
            "p.sat:3:1: field 'layout': 'y' is not a variable of the program");
  EXPECT_EQ(parse_error("program p\nalphabet a b\nposition t = index^3\n"),
            "p.sat:3:14: field 'position': 'index^3' is not one of index, index^2, (-1)^index");
  EXPECT_EQ(parse_error(head + "head all -> x = 2 * * bos\naccept x\n"),
            "p.sat:4:21: field 'head': unexpected '*'");
}

TEST(ProgramInterpreter, ComputesTheDefinitionsByHand) {
  const auto p = parse_program(kCounter, "counter.sat");
  // "())": positions 0 BOS, 1 '(', 2 ')', 3 ')'.
  const auto tr = interpret(p, word("())", "()"));
  const std::vector<double> D = {0, 1.0 / 2, 0, -1.0 / 4}, U = {1, 1.0 / 2, 1.0 / 3, 1.0 / 4};
  for (std::size_t t = 0; t < 4; ++t) {
    EXPECT_DOUBLE_EQ(tr.values.at("D")[t], D[t]) << t;
    EXPECT_DOUBLE_EQ(tr.values.at("U")[t], U[t]) << t;
    EXPECT_DOUBLE_EQ(tr.values.at("One")[t], 1.0) << t;
    EXPECT_DOUBLE_EQ(tr.values.at("neg")[t], std::max(-D[t], 0.0)) << t;
    EXPECT_DOUBLE_EQ(tr.values.at("lin")[t], 2 * D[t] - 0.25) << t;
  }
  EXPECT_EQ(tr.values.at("prevclose"), (std::vector<double>{0, 0, 0, 1}));  // the symbol before each position
  EXPECT_DOUBLE_EQ(tr.values.at("maxneg")[3], 0.25);                         // the largest neg so far
  EXPECT_DOUBLE_EQ(tr.logit, 1 - 0.5 - 1);
  EXPECT_FALSE(tr.accepted);
  EXPECT_TRUE(interpret(p, word("(", "()")).accepted);
  EXPECT_THROW(interpret(p, Word(64, 0)), Error);  // 65 positions > max_len 64
}

TEST(ProgramInterpreter, HardPicksOneTiedKey) {
  // keys tie everywhere (all zero): saturated averages, hard_left takes BOS, hard_right the query itself.
  const auto p = parse_program("program h\nalphabet a b\nlayer\nhead max 0 bos -> x = tok('b')\naccept x\n", "h.sat");
  const auto w = word("ab", "ab");
  EXPECT_DOUBLE_EQ(interpret(p, w).values.at("x")[2], 1.0 / 3);
  EXPECT_DOUBLE_EQ(interpret(p, w, {TiePick::leftmost}).values.at("x")[2], 0.0);
  EXPECT_DOUBLE_EQ(interpret(p, w, {TiePick::rightmost}).values.at("x")[2], 1.0);
}

TEST(ProgramCompiler, LaysOutTheResidualAndWritesEachWeight) {
  const auto p = parse_program(kCounter, "counter.sat");
  const auto c = compile_program(p);
  const auto& cfg = c.weights.config;
  // tokens ( ) bos, positions t tsq, variables D U One prevclose neg lin maxneg: 12 dims; two heads
  // in layer 0 need 3 value slots each (the token block), so d_model is 12 (2 heads of 6).
  EXPECT_EQ(cfg.d_model, 12);
  EXPECT_EQ(cfg.n_heads, 2);
  EXPECT_EQ(cfg.d_ff, 3);  // relu(-D) and 2 D as relu(2D) - relu(-2D)
  EXPECT_EQ(cfg.positional, Positional::learned);
  EXPECT_EQ(cfg.max_len, 64);
  EXPECT_EQ(c.dim_of.at("tok:("), 0);
  EXPECT_EQ(c.dim_of.at("bos"), 2);
  EXPECT_EQ(c.dim_of.at("tsq"), 4);
  EXPECT_EQ(c.dim_of.at("maxneg"), 11);
  const auto& w = c.weights.tensors;
  EXPECT_EQ(w.at("pos.weight")(7, 4), 49.0);
  EXPECT_EQ(w.at("layers.0.attn.o.weight")(5, 0), 1.0);   // D = slot 0 ('(') ...
  EXPECT_EQ(w.at("layers.0.attn.o.weight")(5, 1), -1.0);  // ... - slot 1 (')')
  EXPECT_EQ(w.at("layers.0.attn.v.bias")(3, 0), 1.0);     // the constant slot after the token block
  EXPECT_EQ(w.at("layers.0.attn.o.weight")(7, 3), 1.0);   // One = the constant slot
  EXPECT_EQ(w.at("layers.0.attn.q.weight")(6, 3), 2.0);   // head 1, pair 0: query 2 t - 2
  EXPECT_EQ(w.at("layers.0.attn.q.bias")(6, 0), -2.0);
  EXPECT_EQ(w.at("layers.0.attn.k.weight")(7, 4), 1.0);   // head 1, pair 1: key tsq
  EXPECT_EQ(w.at("layers.0.ffn.fc1.weight")(1, 5), 2.0);  // lin: relu(2D) ...
  EXPECT_EQ(w.at("layers.0.ffn.fc1.weight")(2, 5), -2.0); // ... - relu(-2D)
  EXPECT_EQ(w.at("layers.0.ffn.fc2.weight")(10, 2), -1.0);
  EXPECT_EQ(w.at("layers.0.ffn.fc2.bias")(10, 0), -0.25);
  EXPECT_EQ(w.at("head.bias")(0, 0), 1.0);
  const auto report = layout_report(p, c);
  EXPECT_NE(report.find("   11  maxneg     layer 1 head 0"), std::string::npos) << report;
  EXPECT_NE(report.find("layer 0 head 1: score [2 t - 2] * [t] + [-1] * [tsq]; q/k slots 6..7"), std::string::npos) << report;
}

TEST(ProgramCompiler, CompiledModelEqualsTheInterpreter) {
  const auto p = parse_program(kCounter, "counter.sat");
  const auto c = compile_program(p);
  const auto r = check_against_interpreter(p, c, 10);
  EXPECT_TRUE(r.ok()) << r.first_mismatch;
  EXPECT_EQ(r.words, 2047u);
}

TEST(ProgramCompiler, TheDifferentialCheckCatchesABrokenWeight) {
  const auto p = parse_program(kCounter, "counter.sat");
  auto c = compile_program(p);
  c.weights.tensors.at("layers.0.ffn.fc2.bias")(c.dim_of.at("lin"), 0) = -0.5;  // lin = 2 D - 0.5
  auto r = check_against_interpreter(p, c, 6);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.decision_mismatches, 0u);  // lin does not reach the classifier
  EXPECT_EQ(r.value_mismatches, 127u);   // every word
  EXPECT_EQ(r.first_mismatch, "'ε': variable lin at position 0: -0.25 (interpreter) vs -0.5 (model)");
  c = compile_program(p);
  c.weights.tensors.at("layers.0.ffn.fc1.weight")(0, c.dim_of.at("D")) = -0.5;  // neg = relu(-D/2)
  r = check_against_interpreter(p, c, 6);
  EXPECT_GT(r.decision_mismatches, 0u);  // ")" is now accepted: maxneg 1/4 instead of 1/2
  EXPECT_EQ(r.first_mismatch.rfind("')': interpreter rejects", 0), 0u) << r.first_mismatch;
}

}  // namespace
}  // namespace saturn
