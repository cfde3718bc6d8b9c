#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/heap_common.h"
#include "heap/owner_graph.h"
#include "heap/reachability.h"
#include "report/heap_json.h"
#include "report/owner_graph_dot.h"

namespace leakseek::cli {

void add_heap_graph(CLI::App& heap) {
  auto args = std::make_shared<HeapArgs>();
  auto addr = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("dot");
  auto output = std::make_shared<std::string>("-");
  auto depth = std::make_shared<int>(-1);
  auto max_nodes = std::make_shared<size_t>(200);
  auto* cmd = heap.add_subcommand("graph", "the owners graph of an object, as DOT or SVG");
  add_heap_args(*cmd, *args);
  cmd->add_option("ADDR", *addr, "any address inside the object")->required();
  cmd->add_option("--format", *format, "dot or svg")
      ->check(CLI::IsMember({"dot", "svg"}))
      ->capture_default_str();
  cmd->add_option("-o,--output", *output, "output file (- = stdout)")->capture_default_str();
  cmd->add_option("--depth", *depth, "levels of owners; -1 = up to the roots")
      ->capture_default_str();
  cmd->add_option("--max-nodes", *max_nodes, "stop after this many owners")->capture_default_str();
  cmd->callback([=] {
    uint64_t a = parse_address(*addr);
    auto h = load_heap(*args);
    auto id = object_at(h.model, a);
    heap::ReverseGraph reverse(h.model);
    auto reach = heap::compute_reachability(h.model);
    auto g = heap::build_owner_graph(h.model, reverse, reach, id, *depth, *max_nodes);
    auto ctx = h.context();
    if (args->json) {
      write_output(*output, report::owner_graph_json(ctx, g).dump(2) + "\n");
      return;
    }
    std::string dot = report::owner_graph_dot(ctx, g);
    write_output(*output, *format == "svg" ? report::dot_to_svg(dot) : dot);
  });
}

}  // namespace leakseek::cli
