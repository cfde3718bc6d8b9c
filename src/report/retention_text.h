#pragma once
// The summary as a diagnosis: the most important finding first, sizes human-readable.
#include <string>
#include <vector>

#include "heap/retention.h"
#include "heap/summary.h"
#include "report/heap_context.h"

namespace leakseek::report {

std::string diagnosis_text(const HeapContext& ctx, const heap::HeapSummary& s,
                           const std::vector<heap::RootGroup>& groups,
                           const heap::RetentionReport& r);

}  // namespace leakseek::report
