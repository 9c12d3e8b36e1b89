#include "common/atomic_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "common/input_error.h"

namespace qarch {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void cannot_write(const std::string& path, const std::string& reason) {
  throw InputError("cannot write " + path + ": " + reason);
}
[[noreturn]] void cannot_write(const std::string& path, int error) { cannot_write(path, std::strerror(error)); }

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
    if (!f.in_place) std::remove(partial_path(f.target).c_str());
  }
  std::error_code ignored;
  for (auto d = new_directories_.rbegin(); d != new_directories_.rend(); ++d) fs::remove(*d, ignored);  // if empty
}

void AtomicFileSet::create_directories(const std::string& path) {
  std::vector<std::string> missing;  // deepest first
  std::error_code ec;
  for (fs::path p = fs::absolute(path, ec).lexically_normal(); !p.empty() && !fs::exists(p, ec);
       p = p.parent_path()) {
    missing.push_back(p.string());
    if (p == p.parent_path()) break;
  }
  fs::create_directories(path, ec);
  if (ec) throw InputError(SourceRef{path, 0, ""}, "cannot create directory: " + ec.message());
  new_directories_.insert(new_directories_.end(), missing.rbegin(), missing.rend());
}

void AtomicFileSet::add(const std::string& path, const std::string& text) {
  std::error_code ec;
  // A link is followed, so that the file it names is replaced and it stays a
  // link; but the links to open files under /dev and /proc (/dev/stdout) are
  // written in place: renaming over them would replace the link itself, and
  // renaming over what one names would take the file from under the open
  // descriptor (a shell's `> out.json`).
  fs::path target = path;
  bool in_place = false;
  if (fs::is_symlink(fs::symlink_status(path, ec))) {
    const std::string absolute = fs::absolute(path, ec).lexically_normal().string();
    const bool descriptor_link = absolute.rfind("/dev/", 0) == 0 || absolute.rfind("/proc/", 0) == 0;
    const fs::path resolved = descriptor_link ? fs::path() : fs::canonical(path, ec);
    if (resolved.empty() || ec) {
      in_place = true;
    } else {
      target = resolved;
    }
  }
  const fs::file_type type = fs::status(target, ec).type();
  if (type == fs::file_type::directory) cannot_write(path, EISDIR);
  const std::string same_file_key = fs::weakly_canonical(target, ec).string();
  for (const File& f : files_) {
    if (f.same_file_key == same_file_key) {
      cannot_write(path, "the run would write two of its results to it (" + f.path + ")");
    }
  }
  // A device or a pipe cannot be replaced by a file.
  if (in_place || (type != fs::file_type::not_found && type != fs::file_type::regular)) {
    files_.push_back(File{path, target.string(), same_file_key, text, true});
    return;
  }
  files_.push_back(File{path, target.string(), same_file_key, "", false});
  if (const int error = write_whole(partial_path(target.string()), text)) cannot_write(path, error);
}

void AtomicFileSet::commit() {
  // Writes in place first: they can fail (/dev/full) where a rename does not.
  for (const File& f : files_) {
    if (!f.in_place) continue;
    if (const int error = write_whole(f.target, f.in_place_text)) cannot_write(f.path, error);
  }
  for (const File& f : files_) {
    if (!f.in_place && std::rename(partial_path(f.target).c_str(), f.target.c_str()) != 0) {
      cannot_write(f.path, errno);
    }
  }
  files_.clear();
  new_directories_.clear();
}

void write_file_atomically(const std::string& path, const std::string& text) {
  AtomicFileSet file;
  file.add(path, text);
  file.commit();
}

}  // namespace qarch
