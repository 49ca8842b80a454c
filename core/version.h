#pragma once

namespace saturn {
// Git revision of the source tree this binary was built from ("unknown" outside git).
const char* git_revision();
const char* version();
}  // namespace saturn
