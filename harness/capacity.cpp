#include "harness/capacity.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>

#include "core/atomic_file.h"
#include "harness/kinds/language/spec.h"
#include "languages/registry.h"

namespace saturn {

namespace fs = std::filesystem;

std::vector<CapacityRow> capacity_rows(const std::vector<RunRecord>& runs) {
  std::vector<CapacityRow> rows;
  for (const auto& r : runs) {
    const TaskSpec* spec = language_spec(r.point->task.runner.get());
    if (!spec) continue;
    const std::string language = make_language(spec->language)->spec();
    const auto& scalars = r.summary.value("scalars", nlohmann::json::object());
    const auto verify = r.summary.contains("result") ? r.summary["result"].value("verify", nlohmann::json::object())
                                                     : nlohmann::json::object();
    std::vector<CapacityRow> by_mode;
    for (const auto& row : r.summary.value("rows", nlohmann::json::array())) {
      const std::string mode = row.value("mode", "");
      auto it = std::find_if(by_mode.begin(), by_mode.end(), [&](const CapacityRow& c) { return c.mode == mode; });
      if (it == by_mode.end()) {
        CapacityRow c{r.point->id, language, mode, {}, {}, 0, false, ""};
        const std::string exact = "exact_" + mode;
        if (scalars.contains(exact) && scalars[exact].is_number()) {
          c.exact = scalars[exact].get<double>() > 0.5;
          c.verified_length = scalars.value("verified_length", 0);
          if (verify.contains(mode)) c.counterexample = verify[mode].value("counterexample", "");
        }
        by_mode.push_back(std::move(c));
        it = std::prev(by_mode.end());
      }
      it->bins.push_back(row.value("bin", ""));
      it->accuracy.push_back(row["accuracy"].is_number() ? row["accuracy"].get<double>() : std::nan(""));
    }
    for (auto& c : by_mode) rows.push_back(std::move(c));
  }
  return rows;
}

std::string capacity_csv(const std::vector<CapacityRow>& rows) {
  std::string csv = "task,language,mode,bin,accuracy,verified_length,recognizes_exactly,counterexample\n";
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.bins.size(); ++i)
      csv += fmt::format("{},\"{}\",{},{},{:.6f},{},{},{}\n", r.task, r.language, r.mode, r.bins[i], r.accuracy[i],
                         r.verified_length, r.exact ? "yes" : "no", r.counterexample);
  return csv;
}

std::string capacity_markdown(const std::vector<CapacityRow>& rows) {
  std::string md = "| task | language | mode | accuracy per bin | recognizes exactly up to N |\n|---|---|---|---|---|\n";
  for (const auto& r : rows) {
    std::string acc;
    for (std::size_t i = 0; i < r.bins.size(); ++i) acc += fmt::format("{}{}: {:.3f}", i ? ", " : "", r.bins[i], r.accuracy[i]);
    md += fmt::format("| {} | `{}` | {} | {} | {} (N = {}){} |\n", r.task, r.language, r.mode, acc, r.exact ? "yes" : "no",
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
