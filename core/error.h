// Errors cross module boundaries as exceptions; only the CLI turns them into exit codes.
#pragma once

#include <stdexcept>
#include <string>

namespace saturn {

// Any failure the user can act on (bad argument, unknown language, corrupt file).
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A problem in an input file, located by file, line and column (1-based; 0 = unknown) and field.
class InputError : public Error {
 public:
  InputError(std::string file, int line, int column, std::string field, std::string reason);
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& field() const { return field_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string file_, field_, reason_;
  int line_, column_;
};

// Raised when a length has no members (e.g. odd lengths of Dyck) and a member was requested.
class NoMembersError : public Error {
 public:
  using Error::Error;
};

}  // namespace saturn
