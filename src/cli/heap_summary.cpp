#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/heap_common.h"
#include "heap/reachability.h"
#include "heap/summary.h"
#include "report/heap_json.h"
#include "report/heap_text.h"

namespace leakseek::cli {

void add_heap_summary(CLI::App& heap) {
  auto args = std::make_shared<HeapArgs>();
  auto* cmd = heap.add_subcommand("summary",
                                  "what the dump holds: live and garbage bytes, roots, finalizers");
  add_heap_args(*cmd, *args);
  cmd->callback([args] {
    auto h = load_heap(*args);
    auto reach = heap::compute_reachability(h.model);
    auto s = heap::summarize(h.model, reach);
    if (args->json) {
      fmt::print("{}\n", report::summary_json(s).dump(2));
    } else {
      fmt::print("{}", report::summary_text(s));
    }
  });
}

}  // namespace leakseek::cli
