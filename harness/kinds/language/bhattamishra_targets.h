// Per-prefix multi-hot targets of the next_symbols objective: Saturn's own convention and the four
// conventions of Bhattamishra, Ahuja & Goyal 2020 (EMNLP; their public code, satwik77/
// Transformer-Formal-Languages, src/utils/*_generator.py), each a function of the prefix only.
//
// For a word w the targets are (|w| + 1) rows, row t for the prefix w[<t] (row 0: the empty prefix,
// which Saturn's model predicts at BOS; their model has no BOS and starts at row 1), of
// target_outputs() values in {0, 1}:
//   next_symbols  |Σ| + 1: a allowed (prefix·a is a prefix of a member), then "the prefix is a
//                 member" (Saturn's default; the acceptance rule of docs/saturation.md reads it)
//   end_symbol    the same vector, read as their counter languages' output vocabulary Σ + {T}
//                 (T: termination symbol, after a^n b^n only): a^n b^n, a^n b^n c^n, ...
//   allowed       |Σ|: a allowed, no end bit (their Dyck-k, Shuffle-k and D_n = bounded-depth Dyck-1:
//                 every open bracket, and the closing brackets whose counter or stack allows them)
//   dead_state    |Σ| (Tomita 1, 2, 3, 4, 7): a allowed when the DFA state after prefix·a is not in
//                 their `dead_states`. For Tomita 2 that set is the sink ({q2}): a allowed <=> prefix·a
//                 is a prefix of a member. For Tomita 1, 3, 4, 7 it is every non-accepting state (for
//                 1, 4, 7 only the sink is non-accepting; Tomita 3's q3, "odd run of 1s then an odd
//                 run of 0s", is not a sink): a allowed <=> prefix·a is a member.
//   membership    2: one-hot [prefix is not a member, prefix is a member] (their Tomita 5, 6,
//                 parity, (aa)*)
// With any convention but next_symbols, a string counts as correct when every output at every
// position is on the right side of 0.5 (their evaluator), in every attention mode.
#pragma once

#include <string>
#include <vector>

#include "core/word.h"
#include "languages/language.h"

namespace saturn {

enum class TargetConvention { next_symbols, end_symbol, allowed, dead_state, membership };

const char* target_convention_name(TargetConvention c);
// Parses a name above; false when it is none of them.
bool parse_target_convention(const std::string& name, TargetConvention& out);

// Outputs per position: |Σ| + 1, |Σ| + 1, |Σ|, |Σ|, 2.
int target_outputs(TargetConvention c, const Language& lang);

// Throws saturn::Error saying why when the convention does not apply to the language
// (dead_state: only tomita:n=1, 2, 3, 4, 7).
void check_target_convention(TargetConvention c, const Language& lang);

// Row-major (|w| + 1) x target_outputs() targets of w. Walks the language's acceptor once:
// O(|w| |Σ|) steps. Precondition: every prefix of w is live (w is a member).
std::vector<float> prefix_targets(TargetConvention c, const Language& lang, WordView w);

}  // namespace saturn
