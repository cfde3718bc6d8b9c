#pragma once
// For fuzz targets whose reader takes a path, not bytes: each input is written to one file per
// process (one per input would flood /tmp at fuzzing speed), removed when the process exits.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace leakseek::fuzz {

// The path of a file holding exactly data[0, size). `tag` names the file ("watch-config").
inline const std::string& write_input_file(const char* tag, const uint8_t* data, size_t size) {
  static const std::string path = [tag] {
    std::string name = std::string("/tmp/leakseek-") + tag + "-fuzz-XXXXXX";
    const int fd = mkstemp(name.data());
    if (fd < 0) std::abort();
    close(fd);
    return name;
  }();
  static const bool removed_at_exit = [] {
    return std::atexit([] { std::remove(path.c_str()); }) == 0;
  }();
  (void)removed_at_exit;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();
  if (std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
  return path;
}

}  // namespace leakseek::fuzz
