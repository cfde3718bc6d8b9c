#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/heap_common.h"
#include "heap/dominators.h"
#include "heap/retention.h"
#include "heap/root_groups.h"
#include "heap/summary.h"
#include "heap/type_histogram.h"
#include "report/heap_json.h"
#include "report/retention_json.h"
#include "report/retention_text.h"
#include "report/type_histogram.h"

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
    heap::HeapRetention r(h.model, h.symbols ? &*h.symbols : nullptr);
    auto retention = heap::analyze_retention(h.model, r.groups, r.tree, r.children, *options);
    auto s = heap::summarize(h.model, retention.live_objects, retention.live_bytes);
    auto ctx = h.context();
    // With the binary, what the memory is: the types that retain the most.
    std::optional<heap::TypeHistogram> types;
    if (h.types()) types = heap::type_histogram(r.graph, r.tree, r.children, *h.types());
    if (args->json) {
      auto j = report::summary_json(s);
      report::add_retention_json(ctx, r.groups, retention, j);
      if (types) {
        auto t = report::type_histogram_json(ctx, *types, 10);
        j["typed_bytes_ratio"] = t["typed_bytes_ratio"];
        j["top_types"] = t["rows"];
      }
      fmt::print("{}\n", j.dump(2));
    } else {
      fmt::print("{}", report::diagnosis_text(ctx, s, r.groups, retention));
      if (types) fmt::print("\nTop types:\n{}", report::type_histogram_text(ctx, *types, 10));
    }
  });
}

}  // namespace leakseek::cli
