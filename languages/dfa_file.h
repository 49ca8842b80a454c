// dfa:file=F — the regular language of a DFA table in a YAML file:
//   alphabet: "01"
//   start: q0
//   accepting: [q0]
//   transitions:
//     q0: {"0": q0, "1": q1}
//     q1: {"0": q1, "1": q0}
// Missing transitions go to a dead state. Malformed files raise saturn::InputError naming the file,
// line, column and field.
#pragma once

#include "languages/language.h"
#include "languages/params.h"

namespace saturn {
LanguagePtr make_dfa_file(const Params& p);
}
