#pragma once
// Writes a whole file or nothing: the text goes to PATH.partial, which is
// renamed over PATH only once complete, so a reader never takes a half-written
// result for a finished one. A PATH that exists and is not a regular file (a
// device, a pipe, a symbolic link such as /dev/stdout) is written in place. A
// failure throws InputError "cannot write PATH: <reason>" and leaves no
// PATH.partial behind.
#include <string>

namespace qarch {

void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace qarch
