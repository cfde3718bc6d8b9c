#pragma once
// Live objects by type, as a table or JSON.
#include <nlohmann/json.hpp>
#include <string>

#include "heap/type_histogram.h"
#include "report/heap_context.h"

namespace leakseek::report {

// "main.Session", or "untyped (size class 48 B)".
std::string type_row_name(const HeapContext& ctx, const heap::TypeRow& r);
std::string type_histogram_text(const HeapContext& ctx, const heap::TypeHistogram& h, size_t limit);
nlohmann::json type_histogram_json(const HeapContext& ctx, const heap::TypeHistogram& h,
                                   size_t limit);

}  // namespace leakseek::report
