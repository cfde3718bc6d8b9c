#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/heap_common.h"
#include "heap/object_inspection.h"
#include "heap/reachability.h"
#include "report/heap_json.h"
#include "report/heap_text.h"

namespace leakseek::cli {

void add_heap_show(CLI::App& heap) {
  auto args = std::make_shared<HeapArgs>();
  auto addr = std::make_shared<std::string>();
  auto* cmd =
      heap.add_subcommand("show", "the object containing an address: bytes, pointers, liveness");
  add_heap_args(*cmd, *args);
  cmd->add_option("ADDR", *addr, "any address inside the object")->required();
  cmd->callback([args, addr] {
    uint64_t a = parse_address(*addr);
    auto h = load_heap(*args);
    auto id = object_at(h.model, a);
    auto reach = heap::compute_reachability(h.model);
    auto o = heap::inspect_object(h.model, reach, id, a);
    auto ctx = h.context();
    if (args->json) {
      fmt::print("{}\n", report::object_json(ctx, o).dump(2));
    } else {
      fmt::print("{}", report::object_text(ctx, o));
    }
  });
}

}  // namespace leakseek::cli
