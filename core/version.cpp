#include "core/version.h"

namespace saturn {
const char* git_revision() { return SATURN_GIT_REV; }
const char* version() { return SATURN_VERSION; }
}  // namespace saturn
