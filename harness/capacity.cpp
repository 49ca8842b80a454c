#include "harness/capacity.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>

#include "core/atomic_file.h"
#include "harness/kinds/language/spec.h"

namespace saturn {

namespace fs = std::filesystem;

std::vector<CapacityRow> capacity_rows(const std::vector<RunRecord>& runs) {
  std::vector<CapacityRow> rows;
  for (const auto& r : runs) {
    if (!language_spec(r.point->task.runner.get())) continue;
    const std::string language = run_labels(r).language;
    const auto& scalars = r.summary.value("scalars", nlohmann::json::object());
    const auto verify = r.summary.contains("result") ? r.summary["result"].value("verify", nlohmann::json::object())
                                                     : nlohmann::json::object();
    std::vector<CapacityRow> by_mode;
    for (auto& t : tidy_rows(r)) {
      auto it = std::find_if(by_mode.begin(), by_mode.end(), [&](const CapacityRow& c) { return c.mode == t.mode; });
      if (it == by_mode.end()) {
        CapacityRow c{r.point->task.name, r.point->id, language, t.mode, {}, 0, false, ""};
        const std::string exact = "exact_" + t.mode;
        if (scalars.contains(exact) && scalars[exact].is_number()) {
          c.exact = scalars[exact].get<double>() > 0.5;
          c.verified_length = scalars.value("verified_length", 0);
          if (verify.contains(t.mode)) c.counterexample = verify[t.mode].value("counterexample", "");
        }
        by_mode.push_back(std::move(c));
        it = std::prev(by_mode.end());
      }
      it->splits.push_back(std::move(t));
    }
    for (auto& c : by_mode) rows.push_back(std::move(c));
  }
  return rows;
}

std::string capacity_csv(const std::vector<CapacityRow>& rows) {
  std::string csv =
      "task,run,language,mode,split,bin_min,bin_max,strings,accuracy,verified_length,recognizes_exactly,counterexample\n";
  for (const auto& r : rows) {
    const bool verified = r.verified_length > 0;
    for (const auto& s : r.splits)
      csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", csv_field(r.task), csv_field(r.run), csv_field(r.language),
                         csv_field(r.mode), s.split, s.lengths ? std::to_string(s.lengths->lo) : "",
                         s.lengths ? std::to_string(s.lengths->hi) : "", s.strings, csv_number(s.accuracy),
                         verified ? std::to_string(r.verified_length) : "", verified ? (r.exact ? "1" : "0") : "",
                         csv_field(r.counterexample));
  }
  return csv;
}

std::string capacity_markdown(const std::vector<CapacityRow>& rows) {
  std::string md = "| run | language | mode | accuracy per split (lengths) | recognizes exactly up to N |\n|---|---|---|---|---|\n";
  for (const auto& r : rows) {
    std::string acc;
    for (std::size_t i = 0; i < r.splits.size(); ++i) {
      const auto& s = r.splits[i];
      acc += fmt::format("{}{} {}: {:.3f}", i ? ", " : "", s.split, s.lengths ? s.lengths->str() : "", s.accuracy);
    }
    md += fmt::format("| {} | `{}` | {} | {} | {} (N = {}){} |\n", r.run, r.language, r.mode, acc, r.exact ? "yes" : "no",
                      r.verified_length, r.exact ? "" : fmt::format(", e.g. `{}`", r.counterexample));
  }
  return md;
}

void write_capacity(const std::vector<CapacityRow>& rows, const fs::path& out) {
  fs::create_directories(out);
  write_file_atomic(out / "capacity.csv", capacity_csv(rows));
  write_file_atomic(out / "capacity.md", capacity_markdown(rows));
}

}  // namespace saturn
