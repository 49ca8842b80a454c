// Writing files so that readers never see half of one: write to a temporary in the same
// directory, flush, then rename over the target.
#pragma once

#include <filesystem>
#include <string_view>

namespace saturn {

// Atomically replaces `path` with `contents` (through "<path>.tmp.<pid>", fsync'd, then renamed;
// temporaries that killed writers of `path` left are removed first). Throws saturn::Error on
// failure, e.g. a full or read-only file system: one line naming `path` and the reason; the
// target is untouched and the temporary removed.
void write_file_atomic(const std::filesystem::path& path, std::string_view contents);

}  // namespace saturn
