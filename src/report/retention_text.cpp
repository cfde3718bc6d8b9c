#include "report/retention_text.h"

#include <fmt/format.h>

#include <algorithm>

#include "report/heap_text.h"
#include "report/retention_json.h"
#include "report/units.h"

namespace leakseek::report {

namespace {

std::string findings(const HeapContext& ctx, const std::vector<heap::RootGroup>& groups,
                     const heap::RetentionReport& r) {
  std::string out;
  int n = 0;
  auto finding = [&](const std::string& text) { out += fmt::format("{}. {}\n", ++n, text); };
  const auto& fg = r.finalizer_goroutine;
  if (fg && fg->blocked) {
    std::string queue =
        r.queue.count
            ? fmt::format(
                  "; {} finalizers wait behind it in the queue, keeping {} ({} objects) alive",
                  r.queue.count, human_bytes(r.queue.retained_bytes), r.queue.retained_objects)
            : "";
    finding(
        fmt::format("The finalizer goroutine (goroutine {}) is stuck in {} [{}]{}. Until it "
                    "returns, no finalizer "
                    "runs and every object with a finalizer leaks.",
                    fg->goid, fg->function, fg->wait_reason, queue));
  } else if (r.queue.count) {
    finding(fmt::format("{} finalizers are queued, keeping {} alive until they run.", r.queue.count,
                        human_bytes(r.queue.retained_bytes)));
  }
  for (const auto& cg : r.cleanup_goroutines) {
    if (!cg.blocked) continue;
    finding(fmt::format(
        "A cleanup goroutine (goroutine {}) is stuck in {} [{}]. Until it returns, no cleanup "
        "queued behind it runs{}.",
        cg.goid, cg.function, cg.wait_reason,
        r.cleanup_queue_dumped
            ? ""
            : ": how many wait, and what they hold, is not in the dump (Go 1.25 and later keep "
              "the cleanup queue outside it, so the values they hold show as garbage)"));
  }
  for (const auto& s : r.suspects) {
    std::string text =
        fmt::format("{} retains {} ({} of live memory) in {} objects",
                    root_group_label(ctx, groups[s.group]), human_bytes(s.retained_bytes),
                    percent_of(s.retained_bytes, r.live_bytes), s.retained_objects);
    if (!s.chain.empty()) {
      auto acc = s.chain.back();
      std::string type = object_type(ctx, acc);
      text += fmt::format("; it piles up under the {} {} at {}, across {} children",
                          human_bytes(ctx.model.size(acc)), type.empty() ? "object" : type,
                          hex(ctx.model.object_addr[acc]), s.accumulation_children);
    }
    text += ".";
    if (!s.allocation_site.empty())
      text += fmt::format(" Most of its sampled allocations come from {}.", s.allocation_site);
    finding(text);
  }
  for (const auto& family : r.cycle_families) {
    const size_t count = family.cycles.size();
    const auto& first = r.finalizer_cycles[family.cycles.front()];
    finding(fmt::format(
        "{} object{} with finalizer {} reach{} {} through a cycle (e.g. {}, cycle of {}): Go never "
        "collects them; they hold {}.",
        count, count == 1 ? "" : "s", function_label(ctx, family.fn_code), count == 1 ? "es" : "",
        count == 1 ? "itself" : "themselves", hex(ctx.model.object_addr[first.object]),
        first.cycle.size() - 1, human_bytes(family.retained_bytes)));
  }
  if (n == 0)
    out += fmt::format(
        "No leak suspect: no root retains {:g}% or more of live memory, and finalizers{} run.\n",
        r.suspect_share * 100, r.cleanup_goroutines.empty() ? "" : " and cleanups");
  return out;
}

}  // namespace

std::string diagnosis_text(const HeapContext& ctx, const heap::HeapSummary& s,
                           const std::vector<heap::RootGroup>& groups,
                           const heap::RetentionReport& r) {
  std::string out = findings(ctx, groups, r);
  out += "\n";
  out += summary_text(s);
  if (!r.top_retainers.empty()) {
    out += "\nTop retainers (what would be freed without them):\n";
    for (const auto& t : r.top_retainers) {
      if (t.retained_bytes == 0) break;
      out += fmt::format("  {:>10}  {:>6}  {:>9} objects  {}\n", human_bytes(t.retained_bytes),
                         percent_of(t.retained_bytes, r.live_bytes), t.retained_objects,
                         root_group_label(ctx, groups[t.group]));
    }
  }
  if (!r.queue.by_type.empty()) {
    out += "\nFinalizer queue by type:\n";
    for (const auto& t : r.queue.by_type)
      out += fmt::format("  {:>6} queued  {:>10}  {}\n", t.count, human_bytes(t.retained_bytes),
                         type_label(ctx, t.key));
  }
  if (!r.queue.by_function.empty()) {
    out += "\nFinalizer queue by function:\n";
    for (const auto& f : r.queue.by_function)
      out += fmt::format("  {:>6} queued  {:>10}  {}\n", f.count, human_bytes(f.retained_bytes),
                         function_label(ctx, f.key));
  }
  return out;
}

}  // namespace leakseek::report
