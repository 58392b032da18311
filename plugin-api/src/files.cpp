#include "perf/util/files.hpp"

#include "perf/util/user_error.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace perf::util {

std::string read_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw UserError(path.string() + ": cannot read: is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(path.string() + ": cannot read: " + std::strerror(errno));
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

namespace {

// Everything about the temporary file that must be undone when writing fails.
class TemporaryFile {
 public:
  explicit TemporaryFile(std::filesystem::path path) : path_(std::move(path)) {
    // 0666 before the umask, as std::ofstream (and so every earlier report) created files.
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    created_ = fd_ >= 0;
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  // A write that failed anywhere leaves nothing behind: a full disk is not made fuller by our
  // partial copies, and the folder holds only complete reports.
  ~TemporaryFile() {
    if (fd_ >= 0) ::close(fd_);
    if (created_ && !kept_) ::unlink(path_.c_str());
  }
  int fd() const { return fd_; }
  // Closes the file; errno on failure (NFS reports a full quota at close).
  bool close() {
    const int fd = fd_;
    fd_ = -1;
    return ::close(fd) == 0;
  }
  void keep() { kept_ = true; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  bool created_ = false;  // ours to remove: a file we could not open is not
  bool kept_ = false;
};

// write(2) until every byte is out: a write may be short (a file size limit, a signal).
bool write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    content.remove_prefix(std::size_t(n));
  }
  return true;
}

}  // namespace

// POSIX calls rather than std::ofstream: a stream's buffering hides which call failed and
// errno by then may be anything, while the user must read "No space left on device" or "File
// too large". fsync before the rename: after a crash the name points at the whole new content or
// at the old one, never at an empty file (the rename can reach the disk before the data).
void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  auto temp_path = path;
  temp_path += ".tmp." + std::to_string(::getpid());
  // Built before the temporary file is removed, which may change errno.
  const auto failed = [&] {
    return std::runtime_error(path.string() + ": cannot write: " + std::strerror(errno));
  };
  TemporaryFile temp(temp_path);
  if (temp.fd() < 0) throw failed();
  if (!write_all(temp.fd(), content) || ::fsync(temp.fd()) != 0 || !temp.close()) throw failed();
  if (::rename(temp_path.c_str(), path.c_str()) != 0) throw failed();
  temp.keep();
  // The rename itself made durable; best effort: the report is complete and in place whatever
  // this says.
  const auto folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

}  // namespace perf::util
