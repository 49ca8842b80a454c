// Writing files so that readers never see half of one: write to a temporary in the same
// directory, flush, then rename over the target.
#pragma once

#include <filesystem>
#include <string_view>

namespace saturn {

// Atomically replaces `path` with `contents`. Throws saturn::Error on failure (target untouched).
void write_file_atomic(const std::filesystem::path& path, std::string_view contents);

}  // namespace saturn
