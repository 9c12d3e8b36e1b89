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

std::string partial_path(const std::string& path) { return path + ".partial"; }

}  // namespace

AtomicFileSet::~AtomicFileSet() {
  for (const File& f : files_) {
    if (!f.in_place) std::remove(partial_path(f.path).c_str());
  }
}

void AtomicFileSet::add(const std::string& path, const std::string& text) {
  // A device, a pipe or a symbolic link (/dev/full, a FIFO, /dev/stdout) is
  // written in place: renaming over it would replace it with a file.
  std::error_code ignored;
  const std::filesystem::file_type type = std::filesystem::symlink_status(path, ignored).type();
  if (type == std::filesystem::file_type::directory) cannot_write(path, EISDIR);
  if (type != std::filesystem::file_type::not_found && type != std::filesystem::file_type::regular) {
    files_.push_back(File{path, text, true});
    return;
  }
  files_.push_back(File{path, "", false});
  if (const int error = write_whole(partial_path(path), text)) cannot_write(path, error);
}

void AtomicFileSet::commit() {
  // Writes in place first: they can fail (/dev/full) where a rename does not.
  for (const File& f : files_) {
    if (!f.in_place) continue;
    if (const int error = write_whole(f.path, f.in_place_text)) cannot_write(f.path, error);
  }
  for (const File& f : files_) {
    if (!f.in_place && std::rename(partial_path(f.path).c_str(), f.path.c_str()) != 0) cannot_write(f.path, errno);
  }
  files_.clear();
}

void write_file_atomically(const std::string& path, const std::string& text) {
  AtomicFileSet file;
  file.add(path, text);
  file.commit();
}

}  // namespace qarch
