#pragma once
// Writes whole files or nothing: each text goes to PATH.partial, which is
// renamed over PATH only once every file of the set is complete, so a reader
// never takes a half-written result, or some of a run's results, for a
// finished run. A symbolic link is followed: the file it names is replaced
// (the link stays), except the links under /dev and /proc (/dev/stdout). A
// PATH that is a device, a pipe or such a link (/dev/full, a FIFO,
// /dev/stdout) is written in place when the set is committed, before any file
// is renamed. A failure throws InputError "cannot write PATH:
// <reason>" and leaves no PATH.partial behind, nor a folder the set created.
#include <string>
#include <vector>

namespace qarch {

class AtomicFileSet {
 public:
  AtomicFileSet() = default;
  AtomicFileSet(const AtomicFileSet&) = delete;
  AtomicFileSet& operator=(const AtomicFileSet&) = delete;
  // Removes the PATH.partial files and the new folders of a set that was not
  // committed.
  ~AtomicFileSet();

  // Creates `path` and the folders above it that are missing (removed again
  // if the set is not committed).
  void create_directories(const std::string& path);
  // Writes `text` to PATH.partial. A directory at PATH, and a PATH the set
  // already holds, are refused here.
  void add(const std::string& path, const std::string& text);
  // Writes the in-place files, then renames every PATH.partial over its PATH.
  void commit();

 private:
  struct File {
    std::string path;     // as given, for messages
    std::string target;   // the file written: PATH, or the file a link names
    std::string same_file_key;  // target as an absolute path without links: two results to one file
    std::string in_place_text;  // for a device or pipe: written at commit
    bool in_place = false;
  };
  std::vector<File> files_;
  std::vector<std::string> new_directories_;  // deepest last
};

// One file: AtomicFileSet with a single add() and commit().
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace qarch
