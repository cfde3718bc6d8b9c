#pragma once
// The owners graph in Graphviz DOT, and DOT turned into SVG with Graphviz's library.
#include <string>

#include "heap/owner_graph.h"
#include "report/heap_context.h"

namespace leakseek::report {

std::string owner_graph_dot(const HeapContext& ctx, const heap::OwnerGraph& g);
// Throws std::runtime_error if Graphviz rejects the input.
std::string dot_to_svg(const std::string& dot);

}  // namespace leakseek::report
