#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/heap_common.h"
#include "heap/root_paths.h"
#include "report/heap_json.h"
#include "report/heap_text.h"

namespace leakseek::cli {

void add_heap_why(CLI::App& heap) {
  auto args = std::make_shared<HeapArgs>();
  auto addr = std::make_shared<std::string>();
  auto* cmd = heap.add_subcommand(
      "why", "the roots that keep an object alive, and the shortest path from each");
  add_heap_args(*cmd, *args);
  cmd->add_option("ADDR", *addr, "any address inside the object")->required();
  cmd->callback([=] {
    uint64_t a = parse_address(*addr);
    auto h = load_heap(*args);
    auto id = object_at(h.model, a);
    heap::ReverseGraph reverse(h.model);
    auto r = heap::explain_retention(h.model, reverse, id);
    auto ctx = h.context();
    if (args->json) {
      fmt::print("{}\n", report::why_json(ctx, r).dump(2));
    } else {
      fmt::print("{}", report::why_text(ctx, r));
    }
  });
}

}  // namespace leakseek::cli
