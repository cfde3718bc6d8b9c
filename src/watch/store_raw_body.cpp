#include "watch/store_raw_body.h"

#include <zlib.h>

#include <stdexcept>

namespace leakseek::watch {

namespace {

bool is_gzip(std::span<const uint8_t> raw) {
  return raw.size() >= 2 && raw[0] == 0x1f && raw[1] == 0x8b;
}

}  // namespace

PackedBody pack_raw_body(std::span<const uint8_t> raw) {
  if (is_gzip(raw)) return {{raw.begin(), raw.end()}, false};
  uLongf size = compressBound(raw.size());
  std::vector<uint8_t> out(size);
  static const uint8_t kEmpty = 0;
  if (compress2(out.data(), &size, raw.empty() ? &kEmpty : raw.data(), raw.size(),
                Z_DEFAULT_COMPRESSION) != Z_OK)
    throw std::runtime_error("compressing the raw body failed");
  out.resize(size);
  return {std::move(out), true};
}

std::vector<uint8_t> unpack_raw_body(std::span<const uint8_t> stored, bool compressed,
                                     uint64_t raw_size) {
  if (!compressed) {
    if (stored.size() != raw_size)
      throw std::runtime_error("stored raw body has " + std::to_string(stored.size()) +
                               " bytes, expected " + std::to_string(raw_size));
    return {stored.begin(), stored.end()};
  }
  // Bodies are capped far below this when scraped; a larger size means a damaged row.
  if (raw_size > (uint64_t{1} << 32))
    throw std::runtime_error("stored raw body size " + std::to_string(raw_size) +
                             " is implausible");
  std::vector<uint8_t> out(raw_size);
  uLongf size = raw_size;
  static const uint8_t kEmpty = 0;
  uint8_t nothing = 0;
  int rc = uncompress(out.empty() ? &nothing : out.data(), &size,
                      stored.empty() ? &kEmpty : stored.data(), stored.size());
  if (rc != Z_OK || size != raw_size)
    throw std::runtime_error("stored raw body does not inflate to its " + std::to_string(raw_size) +
                             " bytes");
  return out;
}

}  // namespace leakseek::watch
