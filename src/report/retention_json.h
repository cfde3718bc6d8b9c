#pragma once
// JSON for the retention analysis, merged into `heap summary --json`.
#include <nlohmann/json.hpp>

#include "heap/retention.h"
#include "report/heap_context.h"

namespace leakseek::report {

// Adds the retention fields to a summary JSON object (see README, `heap summary`).
void add_retention_json(const HeapContext& ctx, const std::vector<heap::RootGroup>& groups,
                        const heap::RetentionReport& r, nlohmann::json& summary);
nlohmann::json root_group_json(const HeapContext& ctx, const heap::RootGroup& g);
std::string root_group_label(const HeapContext& ctx, const heap::RootGroup& g);

}  // namespace leakseek::report
