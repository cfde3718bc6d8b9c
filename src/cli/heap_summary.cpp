#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/heap_common.h"
#include "heap/dominators.h"
#include "heap/retention.h"
#include "heap/root_groups.h"
#include "heap/summary.h"
#include "report/heap_json.h"
#include "report/retention_json.h"
#include "report/retention_text.h"

namespace leakseek::cli {

void add_heap_summary(CLI::App& heap) {
  auto args = std::make_shared<HeapArgs>();
  auto options = std::make_shared<heap::RetentionOptions>();
  auto* cmd = heap.add_subcommand(
      "summary", "diagnosis: what retains the memory, finalizer state, leak suspects");
  add_heap_args(*cmd, *args);
  cmd->add_option("--suspect-share", options->suspect_share,
                  "a root retaining at least this share of live bytes is a leak suspect")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--top", options->top_retainers, "how many top retainers to list")
      ->capture_default_str();
  cmd->callback([args, options] {
    auto h = load_heap(*args);
    auto groups = heap::group_roots(h.model, h.symbols ? &*h.symbols : nullptr);
    auto tree = heap::compute_dominators(heap::RetentionGraph(h.model, groups));
    auto retention = heap::analyze_retention(h.model, groups, tree, *options);
    auto s = heap::summarize(h.model, retention.live_objects, retention.live_bytes);
    auto ctx = h.context();
    if (args->json) {
      auto j = report::summary_json(s);
      report::add_retention_json(ctx, groups, retention, j);
      fmt::print("{}\n", j.dump(2));
    } else {
      fmt::print("{}", report::diagnosis_text(ctx, s, groups, retention));
    }
  });
}

}  // namespace leakseek::cli
