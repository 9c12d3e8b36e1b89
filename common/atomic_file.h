#pragma once
// Writes a whole file or nothing: the text goes to PATH.partial, which is
// renamed over PATH only once complete, so a reader never takes a half-written
// result for a finished one. Throws InputError naming the path.
#include <string>

namespace qarch {

void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace qarch
