#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/heap_common.h"
#include "heap/owners.h"
#include "report/heap_json.h"
#include "report/heap_text.h"

namespace leakseek::cli {

void add_heap_owners(CLI::App& heap) {
  auto args = std::make_shared<HeapArgs>();
  auto addr = std::make_shared<std::string>();
  auto depth = std::make_shared<int>(1);
  auto max_objects = std::make_shared<size_t>(10000);
  auto* cmd = heap.add_subcommand("owners", "who points to an object, N levels up");
  add_heap_args(*cmd, *args);
  cmd->add_option("ADDR", *addr, "any address inside the object")->required();
  cmd->add_option("--depth", *depth, "levels of owners; -1 = up to the roots")
      ->capture_default_str();
  cmd->add_option("--max-objects", *max_objects, "stop after this many owners")
      ->capture_default_str();
  cmd->callback([=] {
    uint64_t a = parse_address(*addr);
    auto h = load_heap(*args);
    auto id = object_at(h.model, a);
    heap::ReverseGraph reverse(h.model);
    auto r = heap::find_owners(h.model, reverse, id, *depth, *max_objects);
    auto ctx = h.context();
    if (args->json) {
      fmt::print("{}\n", report::owners_json(ctx, r).dump(2));
    } else {
      fmt::print("{}", report::owners_text(ctx, r));
    }
  });
}

}  // namespace leakseek::cli
