#include "transformer/metrics.h"

#include <fmt/format.h>

#include <cmath>

#include "core/atomic_file.h"
#include "core/error.h"

namespace saturn {

std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& path) {
  std::vector<nlohmann::json> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded()) out.push_back(std::move(j));
  }
  return out;
}

nlohmann::ordered_json to_json(const MetricsLine& m) {
  nlohmann::ordered_json j;
  j["step"] = m.step;
  j["loss"] = m.loss;
  j["accuracy"] = m.accuracy;
  j["lr"] = m.lr;
  j["grad_norm"] = m.grad_norm;
  j["param_norm"] = m.param_norm;
  nlohmann::ordered_json groups;
  for (int g = 0; g < kNumParamGroups; ++g)
    groups[param_group_name(static_cast<ParamGroup>(g))] = m.group_norms[static_cast<std::size_t>(g)];
  j["group_norms"] = groups;
  j["attention_entropy"] = m.attention_entropy;
  j["examples_per_second"] = m.examples_per_second;
  return j;
}

template <class S>
std::array<double, kNumParamGroups> group_norms(const TensorTable& table, const S* params, double* total) {
  std::array<double, kNumParamGroups> sq{};
  for (const auto& spec : table.specs()) {
    double s = 0;
    for (std::size_t j = 0; j < spec.size; ++j) {
      const double x = static_cast<double>(params[spec.offset + j]);
      s += x * x;
    }
    sq[static_cast<std::size_t>(spec.group)] += s;
  }
  double all = 0;
  for (auto& x : sq) {
    all += x;
    x = std::sqrt(x);
  }
  if (total) *total = std::sqrt(all);
  return sq;
}

MetricsLog::MetricsLog(const std::filesystem::path& path, std::int64_t keep_until) : path_(path) {
  std::string kept;
  if (keep_until >= 0) {
    std::ifstream old(path);
    std::string line;
    while (std::getline(old, line)) {
      nlohmann::json j;
      try {
        j = nlohmann::json::parse(line);
      } catch (const nlohmann::json::exception&) {
        break;  // a half-written last line
      }
      if (j.is_object() && j.value("step", std::int64_t{0}) <= keep_until) kept += line + "\n";
    }
  }
  write_file_atomic(path, kept);
  out_.open(path, std::ios::app);
  if (!out_) throw Error(fmt::format("{}: cannot open for appending", path.string()));
}

void MetricsLog::write(const nlohmann::ordered_json& line) {
  out_ << line.dump() << "\n" << std::flush;
  if (!out_) throw Error(fmt::format("{}: write failed", path_.string()));
}

std::string format_progress(const Progress& p) {
  return fmt::format("step {}/{}  loss {:.4f}  acc {:.3f}  |theta| {:.2f}  {:.0f} ex/s  ETA {:.0f}s", p.step, p.total,
                     p.loss, p.accuracy, p.param_norm, p.examples_per_second, p.eta_seconds);
}

template std::array<double, kNumParamGroups> group_norms<float>(const TensorTable&, const float*, double*);
template std::array<double, kNumParamGroups> group_norms<double>(const TensorTable&, const double*, double*);

}  // namespace saturn
