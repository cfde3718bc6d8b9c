#pragma once
// Builds a HeapModel from a heap dump file in one streaming pass.
#include <string>

#include "format/heapdump_reader.h"
#include "heap/heap_model.h"

namespace leakseek::heap {

// Throws InputError (file, offset, what) on any malformed input.
HeapModel load_heap_dump(const std::string& path, const format::ReadOptions& options = {});

}  // namespace leakseek::heap
