// The message of the saturn::Error a piece of code throws, for tests that pin error texts.
#pragma once

#include <functional>
#include <string>

#include "core/error.h"

namespace saturn::testing {

// What f throws as saturn::Error (its what()), or "" when it throws nothing; other exceptions
// pass through.
inline std::string error_message(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace saturn::testing
