#include "core/version.h"

#include "git_revision.h"  // SATURN_GIT_REV, generated at build time (cmake/git_revision.cmake)

namespace saturn {
const char* git_revision() { return SATURN_GIT_REV; }
const char* version() { return SATURN_VERSION; }
}  // namespace saturn
