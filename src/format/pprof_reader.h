#pragma once
// Reads pprof profiles (profile.proto, gzip-compressed as Go serves them, or raw) into the
// profile model. Bad input throws InputError naming the field at fault; nothing is printed.
#include <cstdint>
#include <span>
#include <string>

#include "profiles/profile.h"

namespace leakseek::format {

// libprotobuf cannot parse a message of 2 GiB or more, so no profile can be larger than this.
inline constexpr uint64_t kMaxPprofBytes = (uint64_t{1} << 31) - 1;

struct PprofReadOptions {
  // Limit on the decompressed size of a gzip-compressed profile, so a small hostile file
  // cannot expand into all memory. Values above kMaxPprofBytes act as kMaxPprofBytes.
  uint64_t max_decompressed_bytes = kMaxPprofBytes;
};

// Decodes a profile from bytes; file_name_for_errors is what InputError names. Checks that
// every string-table index is in range, that ids are nonzero and unique, that the ids samples
// and locations refer to exist, and that each sample has one value per sample type.
profiles::Profile read_pprof(std::span<const uint8_t> bytes,
                             const std::string& file_name_for_errors,
                             const PprofReadOptions& options = {});

// The same for a file (memory-mapped while it is decoded).
profiles::Profile read_pprof_file(const std::string& path, const PprofReadOptions& options = {});

}  // namespace leakseek::format
