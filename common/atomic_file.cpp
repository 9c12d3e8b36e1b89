#include "common/atomic_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "common/input_error.h"

namespace qarch {
namespace {

[[noreturn]] void cannot_write(const std::string& path, int error) {
  throw InputError("cannot write " + path + ": " + std::strerror(error));
}

// Writes `text` to `path` and closes it: 0, or the errno of the first failure.
int write_whole(const std::string& path, const std::string& text) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return errno;
  const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  const int write_error = errno;
  if (std::fclose(file) != 0 && written) return errno;
  return written ? 0 : write_error;
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& text) {
  // A device, a pipe or a symbolic link (/dev/full, a FIFO, /dev/stdout) is
  // written in place: renaming over it would replace it with a file.
  std::error_code ignored;
  const std::filesystem::file_type type = std::filesystem::symlink_status(path, ignored).type();
  if (type != std::filesystem::file_type::not_found && type != std::filesystem::file_type::regular) {
    if (const int error = write_whole(path, text)) cannot_write(path, error);
    return;
  }
  const std::string partial = path + ".partial";
  int error = write_whole(partial, text);
  if (error == 0 && std::rename(partial.c_str(), path.c_str()) != 0) error = errno;
  if (error != 0) {
    std::remove(partial.c_str());
    cannot_write(path, error);
  }
}

}  // namespace qarch
