// The theory column of the capacity table (harness/capacity.h): what the literature says
// unique-hard, saturated (average-hard) and softmax attention can express for a language, with
// references. The data is harness/theory.yaml (one entry per language, loaded and validated here;
// every problem is reported at once, located by file, line, column and field).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace saturn {

// What a paper says one attention family can do for one language.
enum class Verdict {
  yes,                   // expressible
  no,                    // not expressible (under the paper's assumptions, positions included)
  with_positions,        // expressible with (suitable) positional encodings, not without
  no_without_positions,  // not expressible without positional encodings; open with them
  open,                  // unknown, or not stated
};
const char* verdict_name(Verdict v);

struct TheoryClaim {
  Verdict verdict = Verdict::open;
  std::string says;               // one line: the result or the construction
  std::vector<std::string> refs;  // keys of Theory::references
  bool derived = false;           // drawn from the cited results, not stated in them
  int line = 0;                   // where in the file (for messages)
};

// The three attention families of the table.
enum class Family { hard, hard_left, saturated, softmax };

struct TheoryEntry {
  std::string name;                // the entry's key, e.g. "shuffle_dyck"
  std::vector<std::string> specs;  // canonical language specs it covers ("shuffle_dyck:k=2", ...)
  TheoryClaim hard;                // unique-hard attention (the rightmost-tie rule: the general case)
  TheoryClaim hard_left;           // leftmost ties (Jerad et al. 2025); equal to `hard` when the file omits it
  TheoryClaim saturated;           // average-hard = saturated attention
  TheoryClaim softmax;
  std::string note;

  const TheoryClaim& claim(Family f) const;
};

struct Theory {
  std::string file;
  std::map<std::string, std::string> references;  // key -> "Authors year (title, venue)"
  std::vector<TheoryEntry> entries;

  // The entry covering a canonical language spec; null when none does.
  const TheoryEntry* find(const std::string& spec) const;
  // "Hao et al. 2022; Merrill, Sabharwal & Smith 2022" for a claim's references (short names:
  // the reference text up to its first '(').
  std::string cite(const TheoryClaim& c) const;
};

// The family a mode belongs to: softmax and temperature:C / scaled:RHO -> softmax; saturated and
// saturated:TOL -> saturated; hard_left (hard) -> hard_left; hard_right -> hard. Throws
// saturn::Error for a mode EvalMode::parse refuses.
Family mode_family(const std::string& mode);

// What a claim means for a model with or without positional encodings: yes, no or open.
Verdict effective_verdict(const TheoryClaim& c, bool has_positions);

// Parses and validates a theory file's text; `path` names it in messages. Every language spec is
// built (languages/registry) and canonicalised; a spec covered twice, an unknown reference key,
// verdict or field, a missing claim: one located problem each. Throws TaskFileError listing them.
Theory parse_theory(const std::string& text, const std::string& path);
Theory load_theory(const std::filesystem::path& path);
// The file of the source tree (harness/theory.yaml), as compiled into the binary's search path.
std::filesystem::path default_theory_path();

}  // namespace saturn
