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
