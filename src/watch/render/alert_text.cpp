#include "watch/render/alert_text.h"

#include <fmt/format.h>

#include <cmath>

#include "report/units.h"

namespace leakseek::watch::render {

using report::human_bytes;

namespace {

bool is_heap(watch::AlertKind kind) {
  return kind == watch::AlertKind::heap_growth || kind == watch::AlertKind::site_growth;
}

}  // namespace

std::string evidence_number(watch::AlertKind kind, const std::string& name, double value) {
  if (name == "r2") return fmt::format("{:.3f}", value);
  const bool bytes =
      is_heap(kind) && (name == "first" || name == "last" || name == "slope_per_hour");
  if (bytes) {
    const auto magnitude = static_cast<uint64_t>(std::llround(std::fabs(value)));
    return (value < 0 ? "-" : "") + human_bytes(magnitude) + (name == "slope_per_hour" ? "/h" : "");
  }
  if (name == "slope_per_hour") return fmt::format("{:.1f}/h", value);
  if (value == std::floor(value) && std::fabs(value) < 1e15) return fmt::format("{:.0f}", value);
  return fmt::format("{:.4g}", value);
}

std::string finding_summary(const watch::Finding& f) {
  auto number = [&](const char* name) {
    auto it = f.numbers.find(name);
    return it == f.numbers.end() ? 0.0 : it->second;
  };
  auto bytes = [&](const char* name) { return human_bytes(std::llround(number(name))); };
  switch (f.kind) {
    case AlertKind::heap_growth:
      return fmt::format("in-use heap grows by {}/h ({} -> {}, R² {:.2f}){}",
                         bytes("slope_per_hour"), bytes("first"), bytes("last"), number("r2"),
                         f.site.empty() ? "" : ", fastest in " + f.site);
    case AlertKind::site_growth:
      return fmt::format("in-use heap allocated by {} grows by {}/h ({} -> {}, R² {:.2f})", f.site,
                         bytes("slope_per_hour"), bytes("first"), bytes("last"), number("r2"));
    case AlertKind::goroutine_growth:
      return fmt::format("goroutines in {} grow by {:.0f}/h ({:.0f} -> {:.0f}, R² {:.2f})", f.site,
                         number("slope_per_hour"), number("first"), number("last"), number("r2"));
    case AlertKind::goroutine_group:
      return fmt::format("{:.0f} goroutines appeared waiting in {}", number("goroutines"), f.site);
    case AlertKind::goroutine_leak: {
      const double n = number("goroutines");
      return fmt::format(
          "{:.0f} goroutine{} in {} proven leaked: the GC found nothing left that can wake {}", n,
          n == 1 ? "" : "s", f.site, n == 1 ? "it" : "them");
    }
    case AlertKind::finalizer_stall:
    case AlertKind::cleanup_stall: {
      const bool cleanup = f.kind == AlertKind::cleanup_stall;
      // From the runtime's queue counters (/metrics), or from the goroutine dumps.
      if (f.numbers.contains("queued"))
        return fmt::format(
            "{} are queued ({:.0f} -> {:.0f}) but none ran ({:.0f} executed) over {:.0f} scrapes",
            cleanup ? "cleanups" : "finalizers", number("queued_first"), number("queued"),
            number("executed"), number("scrapes"));
      return cleanup ? fmt::format(
                           "a cleanup goroutine is stuck in {} across {:.0f} scrapes: the "
                           "cleanups queued behind it do not run",
                           f.site, number("scrapes"))
                     : fmt::format(
                           "the finalizer goroutine is stuck in {} across {:.0f} scrapes: no "
                           "other finalizer runs",
                           f.site, number("scrapes"));
    }
  }
  return alert_kind_name(f.kind);
}

std::string alert_text(const watch::Alert& alert, size_t max_frames) {
  const auto& f = alert.finding;
  const bool firing = alert.state == watch::AlertState::firing;
  std::string out = fmt::format("{} {} on {}: {}\n", firing ? "ALERT" : "resolved",
                                watch::alert_kind_name(f.kind), f.target, f.summary);
  if (!firing) return out;
  for (const auto& [name, value] : f.numbers)
    out += fmt::format("  {:<16} {}\n", name, evidence_number(f.kind, name, value));
  if (!f.stack.empty()) {
    out += "  stack:\n";
    for (size_t i = 0; i < f.stack.size() && i < max_frames; i++)
      out += fmt::format("    {}\n", f.stack[i]);
    if (f.stack.size() > max_frames)
      out += fmt::format("    ... {} more frames\n", f.stack.size() - max_frames);
  }
  if (!f.snapshot_ids.empty())
    out += fmt::format("  evidence: {} snapshots, ids {} to {} (GET /api/snapshots/ID/raw)\n",
                       f.snapshot_ids.size(), f.snapshot_ids.front(), f.snapshot_ids.back());
  return out;
}

}  // namespace leakseek::watch::render
