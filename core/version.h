#pragma once

namespace saturn {
// Git revision of the source tree this binary was built from, taken at build time: "+dirty" when
// tracked files differed from it, "unknown" outside git.
const char* git_revision();
const char* version();
}  // namespace saturn
