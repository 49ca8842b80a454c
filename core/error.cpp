#include "core/error.h"

#include <fmt/format.h>

namespace saturn {

namespace {
std::string format_input_error(const std::string& file, int line, int column, const std::string& field,
                               const std::string& reason) {
  std::string where = file;
  if (line > 0) where += fmt::format(":{}", line);
  if (line > 0 && column > 0) where += fmt::format(":{}", column);
  if (field.empty()) return fmt::format("{}: {}", where, reason);
  return fmt::format("{}: field '{}': {}", where, field, reason);
}
}  // namespace

InputError::InputError(std::string file, int line, int column, std::string field, std::string reason)
    : Error(format_input_error(file, line, column, field, reason)),
      file_(std::move(file)),
      field_(std::move(field)),
      reason_(std::move(reason)),
      line_(line),
      column_(column) {}

}  // namespace saturn
