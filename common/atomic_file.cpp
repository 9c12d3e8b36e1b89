#include "common/atomic_file.h"

#include <cstdio>
#include <fstream>

#include "common/input_error.h"

namespace qarch {

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".partial";
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) throw InputError(SourceRef{path, 0, ""}, "cannot write file");
    out << text;
    if (!out.flush()) {
      std::remove(tmp.c_str());
      throw InputError(SourceRef{path, 0, ""}, "write failed");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw InputError(SourceRef{path, 0, ""}, "cannot move the finished file into place");
  }
}

}  // namespace qarch
