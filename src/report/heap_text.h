#pragma once
// Plain-text forms of the heap results, for people at a terminal.
#include <string>
#include <vector>

#include "heap/object_inspection.h"
#include "heap/oid_search.h"
#include "heap/owners.h"
#include "heap/root_paths.h"
#include "heap/summary.h"
#include "report/heap_context.h"

namespace leakseek::report {

std::string summary_text(const heap::HeapSummary& s);
std::string object_text(const HeapContext& ctx, const heap::ObjectInspection& o);
std::string owners_text(const HeapContext& ctx, const heap::OwnersResult& r);
std::string why_text(const HeapContext& ctx, const heap::WhyResult& r);
std::string oid_matches_text(const HeapContext& ctx, const std::vector<heap::OidMatch>& matches);
// Classic 16-bytes-a-line hex dump with addresses.
std::string hexdump(uint64_t base, std::span<const uint8_t> bytes);

}  // namespace leakseek::report
