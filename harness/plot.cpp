#include "harness/plot.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace saturn {

namespace fs = std::filesystem;

namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// A private scratch folder removed on scope exit.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "saturn-plot-XXXXXX").string();
    if (!mkdtemp(templ.data())) throw Error("cannot create a temporary folder for plotting");
    path = templ;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

}  // namespace

bool plotting_available() { return std::system("gnuplot --version >/dev/null 2>&1") == 0; }

std::string render_svg(const Plot& p) {
  std::vector<const Series*> used;
  for (const auto& s : p.series)
    if (!s.x.empty()) used.push_back(&s);
  if (used.empty()) return "";
  TempDir tmp;
  std::string script = fmt::format("set terminal svg size {},{} dynamic noenhanced font 'sans,11' background '#ffffff'\n", p.width, p.height);
  script += fmt::format("set output {}\n", quoted((tmp.path / "plot.svg").string()));
  script += fmt::format("set title {}\nset xlabel {}\nset ylabel {}\n", quoted(p.title), quoted(p.xlabel), quoted(p.ylabel));
  script += "set key outside right top\nset grid\n";
  if (p.logx) script += "set logscale x\n";
  if (p.logy) script += "set logscale y\n";
  script += p.extra + "\n";
  std::string plot_cmd = "plot ";
  for (std::size_t i = 0; i < used.size(); ++i) {
    const auto data = tmp.path / fmt::format("s{}.dat", i);
    std::ofstream out(data);
    for (std::size_t k = 0; k < used[i]->x.size() && k < used[i]->y.size(); ++k)
      out << fmt::format("{:.17g} {:.17g}\n", used[i]->x[k], used[i]->y[k]);
    plot_cmd += fmt::format("{}{} using 1:2 with {} title {}", i ? ", " : "", quoted(data.string()), used[i]->style,
                            quoted(used[i]->title));
  }
  script += plot_cmd + "\n";
  const auto script_path = tmp.path / "plot.gp";
  std::ofstream(script_path) << script;
  const std::string cmd = fmt::format("gnuplot {} 2>{}", quoted(script_path.string()), quoted((tmp.path / "err.txt").string()));
  if (std::system(cmd.c_str()) != 0) {
    std::ifstream err(tmp.path / "err.txt");
    std::string first;
    std::getline(err, first);
    throw Error(fmt::format("gnuplot failed: {}", first));
  }
  std::ifstream in(tmp.path / "plot.svg");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string svg = ss.str();
  // Inline use: drop the XML prologue and doctype.
  const auto start = svg.find("<svg");
  return start == std::string::npos ? svg : svg.substr(start);
}

}  // namespace saturn
