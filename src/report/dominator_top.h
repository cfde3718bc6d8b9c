#pragma once
// The dominator tree from the top, as an indented table or as nested JSON.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "heap/dominator_top.h"
#include "heap/root_groups.h"
#include "report/heap_context.h"

namespace leakseek::report {

std::string dominator_top_text(const HeapContext& ctx, const std::vector<heap::RootGroup>& groups,
                               const heap::RetentionGraph& graph, const heap::DominatorTop& top);
nlohmann::json dominator_top_json(const HeapContext& ctx,
                                  const std::vector<heap::RootGroup>& groups,
                                  const heap::RetentionGraph& graph, const heap::DominatorTop& top);

}  // namespace leakseek::report
