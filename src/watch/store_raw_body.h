#pragma once
// How the store keeps a scraped body: pprof bodies arrive gzip-compressed already and are kept
// as they are; anything else (debug=1 text, /metrics text) is deflated with zlib. Either way the
// body comes back byte for byte.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace leakseek::watch {

struct PackedBody {
  std::vector<uint8_t> bytes;
  bool compressed = false;  // true when the store deflated it (false: kept as served)
};

PackedBody pack_raw_body(std::span<const uint8_t> raw);

// Inverse of pack_raw_body; `raw_size` is the size of the body as served. Throws
// std::runtime_error when the stored bytes do not inflate to exactly that size.
std::vector<uint8_t> unpack_raw_body(std::span<const uint8_t> stored, bool compressed,
                                     uint64_t raw_size);

}  // namespace leakseek::watch
