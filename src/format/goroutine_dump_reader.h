#pragma once
// The one entry point for goroutine dumps: it tells the form from the bytes and hands them to
// the reader for it. debug=0 (gzip or raw profile.proto), debug=1, debug=2, and panic, fatal
// error and SIGQUIT tracebacks from Go 1.19 on. Bad input throws InputError; nothing prints.
#include <cstdint>
#include <span>
#include <string>

#include "goroutines/goroutine_dump.h"

namespace leakseek::format {

// max_inflated_bytes bounds what a gzip-compressed dump may inflate to, below the reader's own
// limit (64 times the compressed size, at least 64 MiB).
goroutines::GoroutineDump read_goroutine_dump(std::span<const uint8_t> bytes,
                                              const std::string& file_name_for_errors,
                                              uint64_t max_inflated_bytes = UINT64_MAX);

// The same for a file, memory-mapped while it is read.
goroutines::GoroutineDump read_goroutine_dump_file(const std::string& path);

}  // namespace leakseek::format
