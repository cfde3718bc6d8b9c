#pragma once
// JSON forms of the heap results. Addresses are "0x..." strings (Go's %p form), sizes and counts
// are exact numbers.
#include <nlohmann/json.hpp>
#include <vector>

#include "heap/object_inspection.h"
#include "heap/oid_search.h"
#include "heap/owner_graph.h"
#include "heap/owners.h"
#include "heap/root_paths.h"
#include "heap/summary.h"
#include "report/heap_context.h"

namespace leakseek::report {

nlohmann::json summary_json(const heap::HeapSummary& s);
nlohmann::json root_json(const HeapContext& ctx, const heap::Root& root);
nlohmann::json object_json(const HeapContext& ctx, const heap::ObjectInspection& o);
nlohmann::json owners_json(const HeapContext& ctx, const heap::OwnersResult& r);
nlohmann::json why_json(const HeapContext& ctx, const heap::WhyResult& r);
nlohmann::json oid_matches_json(const HeapContext& ctx, const std::vector<heap::OidMatch>& matches);
nlohmann::json owner_graph_json(const HeapContext& ctx, const heap::OwnerGraph& g);

}  // namespace leakseek::report
