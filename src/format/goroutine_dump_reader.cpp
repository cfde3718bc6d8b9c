#include "format/goroutine_dump_reader.h"

#include <algorithm>
#include <string_view>

#include "format/goroutine_pprof_adapter.h"
#include "format/goroutine_text_reader.h"
#include "format/pprof_reader.h"
#include "util/input_error.h"
#include "util/mapped_file.h"

namespace leakseek::format {

namespace {

// Text dumps are printable; a protobuf starts with a field tag byte, which is not.
bool looks_binary(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return false;
  uint8_t b = bytes[0];
  return b < 0x20 && b != '\n' && b != '\r' && b != '\t';
}

}  // namespace

goroutines::GoroutineDump read_goroutine_dump(std::span<const uint8_t> bytes,
                                              const std::string& file,
                                              uint64_t max_inflated_bytes) {
  if (bytes.empty()) throw InputError(file, 0, "empty file: not a goroutine dump");
  bool gzip = bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
  if (gzip || looks_binary(bytes)) {
    // A goroutine profile holds one sample per distinct stack: far below the general limit.
    PprofReadOptions options{
        .max_decompressed_bytes =
            std::min(max_inflated_bytes, std::max<uint64_t>(bytes.size() * 64, 64 << 20))};
    return goroutines_from_profile(read_pprof(bytes, file, options), file);
  }
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (text.starts_with("goroutine profile: total ") ||
      text.starts_with("goroutineleak profile: total "))
    return read_goroutine_debug1(text, file);
  return read_goroutine_tracebacks(text, file);
}

goroutines::GoroutineDump read_goroutine_dump_file(const std::string& path) {
  auto mapped = MappedFile::open(path);
  return read_goroutine_dump(mapped->bytes(), path);
}

}  // namespace leakseek::format
