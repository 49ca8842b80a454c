#include "core/atomic_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"
#include "core/fault_point.h"

namespace saturn {

namespace {

// Writes all of [data, data + size) to fd; false (errno set) on failure.
bool write_all(int fd, const char* data, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::write(fd, data + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// Removes the temporaries "<name>.tmp.<pid>" that killed writers of `path` left beside it (a
// writer's own temporary never outlives its call, and two processes writing one file at once
// would race on the rename anyway). Errors are ignored: a stale temporary is clutter, not damage.
void remove_stale_temporaries(const std::filesystem::path& path, const std::filesystem::path& own) {
  std::error_code ec;
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  const std::string prefix = path.filename().string() + ".tmp.";
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0 &&
        name.find_first_not_of("0123456789", prefix.size()) == std::string::npos && it->path() != own) {
      std::error_code ignored;
      std::filesystem::remove(it->path(), ignored);
    }
  }
}

}  // namespace

void write_file_atomic(const std::filesystem::path& path, std::string_view contents) {
  const std::filesystem::path tmp = path.string() + fmt::format(".tmp.{}", ::getpid());
  // Every failure names the target and says that what was there is untouched: only the temporary
  // (removed again) was written.
  auto fail = [&](const char* what, int err) {
    ::unlink(tmp.c_str());
    return Error(fmt::format("{}: {}: {} (the existing file, if any, is unchanged)", path.string(), what,
                             std::strerror(err)));
  };
  remove_stale_temporaries(path, tmp);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int err = errno;
    throw Error(fmt::format("{}: cannot write: {} (the existing file, if any, is unchanged)", path.string(),
                            std::strerror(err)));
  }
  const std::size_t half = contents.size() / 2;
  bool ok = write_all(fd, contents.data(), half);
  if (ok) kill_point("write_file_atomic.half");
  ok = ok && write_all(fd, contents.data() + half, contents.size() - half);
  if (!ok) {
    const int err = errno;
    ::close(fd);
    throw fail("cannot write", err);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    throw fail("cannot flush to disk", err);
  }
  if (::close(fd) != 0) throw fail("cannot flush to disk", errno);
  kill_point("write_file_atomic.before_rename");
  if (::rename(tmp.c_str(), path.c_str()) != 0) throw fail("cannot rename into place", errno);
}

}  // namespace saturn
