#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/heap_common.h"
#include "heap/dominators.h"
#include "heap/root_groups.h"
#include "heap/type_histogram.h"
#include "report/type_histogram.h"

namespace leakseek::cli {

void add_heap_types(CLI::App& heap) {
  auto args = std::make_shared<HeapArgs>();
  auto limit = std::make_shared<size_t>(30);
  auto* cmd = heap.add_subcommand(
      "types", "live objects by type (from the program's DWARF): count, bytes, retained bytes");
  add_heap_args(*cmd, *args);
  cmd->add_option("-n,--limit", *limit, "types listed")->capture_default_str();
  cmd->callback([=] {
    if (args->program.empty())
      throw UsageError("heap types needs --program BINARY: types come from the binary's DWARF");
    auto h = load_heap(*args);
    heap::HeapRetention r(h.model, &*h.symbols);
    auto hist = heap::type_histogram(r.graph, r.tree, r.children, *h.types());
    auto ctx = h.context();
    if (args->json) {
      fmt::print("{}\n", report::type_histogram_json(ctx, hist, *limit).dump(2));
    } else {
      fmt::print("{}", report::type_histogram_text(ctx, hist, *limit));
    }
  });
}

}  // namespace leakseek::cli
