#pragma once
// Writes whole files or nothing: each text goes to PATH.partial, which is
// renamed over PATH only once every file of the set is complete, so a reader
// never takes a half-written result, or some of a run's results, for a
// finished run. A PATH that exists and is not a regular file or a directory
// (a device, a pipe, a symbolic link such as /dev/stdout) is written in place
// when the set is committed. A failure throws InputError "cannot write PATH:
// <reason>" and leaves no PATH.partial behind.
#include <string>
#include <utility>
#include <vector>

namespace qarch {

class AtomicFileSet {
 public:
  AtomicFileSet() = default;
  AtomicFileSet(const AtomicFileSet&) = delete;
  AtomicFileSet& operator=(const AtomicFileSet&) = delete;
  // Removes the PATH.partial files of a set that was not committed.
  ~AtomicFileSet();

  // Writes `text` to PATH.partial (a directory at PATH is refused here).
  void add(const std::string& path, const std::string& text);
  // Writes the in-place files, then renames every PATH.partial over its PATH.
  void commit();

 private:
  struct File {
    std::string path;
    std::string in_place_text;  // for a device, pipe or link: written at commit
    bool in_place = false;
  };
  std::vector<File> files_;
};

// One file: AtomicFileSet with a single add() and commit().
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace qarch
