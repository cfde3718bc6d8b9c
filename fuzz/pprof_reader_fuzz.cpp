// Feeds arbitrary bytes to the pprof reader. Only InputError may come out, and whatever it
// accepts must survive our writer and read back identical.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "format/pprof_reader.h"
#include "format/pprof_writer.h"
#include "util/input_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Far above anything a fuzz input can legitimately decompress to, far below the fuzzer's
  // memory limit.
  const leakseek::format::PprofReadOptions options{.max_decompressed_bytes = 64 << 20};
  try {
    auto profile = leakseek::format::read_pprof({data, size}, "fuzz-input", options);
    std::string bytes = leakseek::format::write_pprof(profile, size % 2 == 0);
    auto again = leakseek::format::read_pprof(
        {reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}, "rewritten", options);
    if (!(again == profile)) std::abort();
  } catch (const leakseek::InputError&) {
  }
  return 0;
}
