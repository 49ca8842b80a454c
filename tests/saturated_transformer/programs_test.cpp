// Every shipped program of saturated_transformer/programs/: the interpreter equals the compiled
// model in saturated mode on every word up to a length (kDifferentialWords words at most: 15 for
// binary alphabets, 9 for three symbols; docs/programs.md records the runs to 16 and 12 with
// `saturn compile --check`), the compiled model
// recognizes its language exhaustively and on long samples (except the should-fail control,
// whose shortest counterexample is pinned), the four hand-built constructions compile to their
// committed model directories byte for byte, and the star-free Tomita programs work under hard
// attention too. docs/programs.md records the longer verifications, run with `saturn verify`.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <unistd.h>

#include "languages/registry.h"
#include "saturated_transformer/compiler/compiler.h"
#include "saturated_transformer/constructions.h"
#include "saturated_transformer/verifier.h"

namespace saturn {
namespace {

const std::filesystem::path kPrograms = std::filesystem::path(SATURN_SOURCE_DIR) / "saturated_transformer/programs";
constexpr std::uint64_t kDifferentialWords = 70'000;  // binary: length 15; three symbols: 9
constexpr std::uint64_t kVerifyWords = 70'000;        // exhaustive verification in this test

struct Shipped {
  std::string file;
  bool exact = true;      // false: the should-fail control
  bool hard = false;      // also exact with hard_left and hard_right attention
  int long_samples = 0;   // members and non-members each at lengths 100..500 in this test
  bool rounding = false;  // majority.sat: ties (#1 = #0) decided by a rounding error at long lengths
};

const std::vector<Shipped>& shipped() {
  static const std::vector<Shipped> list = {
      {"majority.sat", true, false, 100, true}, {"majority_margin.sat", true, false, 100},
      {"dyck1.sat", true, false, 100},
      {"anbn.sat", true, false, 100},         {"anbncn.sat", true, false, 100},
      {"shuffle_dyck2.sat", true, false, 100}, {"shuffle_dyck3.sat", true, false, 100},
      {"dyck2_depth3.sat", true, false, 50},  {"parity.sat", true, false, 100},
      {"tomita1.sat", true, true, 100},       {"tomita2.sat", true, true, 50},
      {"tomita4.sat", true, true, 50},        {"tomita7.sat", true, true, 100},
      {"dyck2_one_layer_fails.sat", false, false, 0},
  };
  return list;
}

class ShippedProgram : public ::testing::TestWithParam<Shipped> {};

TEST_P(ShippedProgram, InterpreterEqualsTheCompiledModel) {
  const auto p = load_program(kPrograms / GetParam().file);
  const auto c = compile_program(p);
  const int k = static_cast<int>(p.alphabet.size());
  const int n = max_length_within(k, kDifferentialWords, k == 2 ? 16 : 12);
  const auto r = check_against_interpreter(p, c, n);
  EXPECT_TRUE(r.ok()) << p.name << " up to length " << n << ": " << r.first_mismatch;
  EXPECT_EQ(r.words, words_up_to(k, n));
  if (!GetParam().rounding) {
    EXPECT_EQ(r.rounding_ties, 0u) << p.name;
  }
  if (GetParam().hard) {
    for (auto mode : {EvalMode::hard_left(), EvalMode::hard_right()}) {
      const auto h = check_against_interpreter(p, c, std::min(n, 10), mode);
      EXPECT_TRUE(h.ok()) << p.name << " " << mode.str() << ": " << h.first_mismatch;
    }
  }
}

TEST_P(ShippedProgram, CompiledModelRecognizesItsLanguage) {
  const auto& s = GetParam();
  const auto p = load_program(kPrograms / s.file);
  const auto c = compile_program(p);
  const auto lang = make_language(p.language);
  VerifyOptions o;
  o.max_length = max_length_within(lang->alphabet().size(), kVerifyWords, 16);
  o.long_samples = s.long_samples;
  o.long_min = 100;
  o.long_max = 500;
  std::vector<EvalMode> modes = {EvalMode::saturated()};
  if (s.hard) modes.push_back(EvalMode::hard_left()), modes.push_back(EvalMode::hard_right());
  for (const auto& mode : modes) {
    o.mode = mode;
    const auto r = verify(c.weights, *lang, o);
    const auto* first = shortest_counterexample(r.exhaustive);
    if (s.rounding) {
      // Exact exhaustively; at long lengths the only errors are ties accepted by a rounding error.
      EXPECT_EQ(r.exhaustive.errors(), 0u) << p.name;
      EXPECT_EQ(r.sampled.false_rejects, 0u) << p.name;
      for (const auto& x : r.sampled.false_accept_examples)
        EXPECT_EQ(std::count(x.word.begin(), x.word.end(), '1'), std::count(x.word.begin(), x.word.end(), '0')) << x.word;
    } else if (s.exact) {
      EXPECT_TRUE(r.exact()) << p.name << " " << mode.str() << ": first counterexample "
                             << (first ? first->word : std::string("(sampled)"));
      EXPECT_EQ(r.sampled.checked, 2u * static_cast<std::uint64_t>(s.long_samples));
    } else {
      ASSERT_NE(first, nullptr) << p.name << " should fail";
      EXPECT_EQ(first->word, ")(");
      EXPECT_FALSE(first->member);  // a false accept: both counts end balanced
      EXPECT_EQ(r.exhaustive.false_rejects, 0u);  // every member is accepted
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Programs, ShippedProgram, ::testing::ValuesIn(shipped()),
                         [](const ::testing::TestParamInfo<Shipped>& info) {
                           return info.param.file.substr(0, info.param.file.size() - 4);
                         });

TEST(Programs, EveryProgramFileIsListed) {
  std::set<std::string> files, listed;
  for (const auto& e : std::filesystem::directory_iterator(kPrograms))
    if (e.path().extension() == ".sat") files.insert(e.path().filename().string());
  for (const auto& s : shipped()) listed.insert(s.file);
  EXPECT_EQ(files, listed);
}

std::string bytes(const std::filesystem::path& f) {
  std::ifstream in(f, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Programs, TheFourConstructionsCompileToTheirCommittedDirectoriesByteForByte) {
  const auto tmp = std::filesystem::temp_directory_path() / ("saturn_programs_test_" + std::to_string(::getpid()));
  for (const auto& built : all_constructions()) {
    const auto p = load_program(kPrograms / (built.name + ".sat"));
    EXPECT_EQ(p.language, built.language);
    const auto c = compile_program(p);
    for (const auto& [name, t] : built.weights.tensors) EXPECT_EQ(c.weights.at(name), t) << built.name << " " << name;
    save_model_weights(tmp / built.name, c.weights);
    const auto committed = std::filesystem::path(SATURN_SOURCE_DIR) / "saturated_transformer/constructions" / built.name;
    for (const char* f : {"config.json", "model.safetensors"})
      EXPECT_TRUE(bytes(tmp / built.name / f) == bytes(committed / f)) << built.name << "/" << f << " differs";
  }
  std::filesystem::remove_all(tmp);
}

}  // namespace
}  // namespace saturn
