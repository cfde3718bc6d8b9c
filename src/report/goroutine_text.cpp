#include "report/goroutine_text.h"

#include <fmt/format.h>

namespace leakseek::report {

using goroutines::Frame;
using goroutines::Group;

const char* group_by_name(goroutines::GroupBy by) {
  switch (by) {
    case goroutines::GroupBy::stack:
      return "stack";
    case goroutines::GroupBy::top:
      return "top";
    case goroutines::GroupBy::creator:
      return "creator";
  }
  return "stack";
}

namespace {

// Goroutine ids shown per group before "...": enough to find them in the dump.
constexpr size_t kGoidsShown = 8;

std::string plural(uint64_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string state_text(std::string_view state, int64_t wait, bool locked, bool inferred_max) {
  std::string s(state.empty() ? "state unknown" : state);
  if (wait > 0) s += fmt::format(", {}{} minutes", inferred_max ? "up to " : "", wait);
  if (locked) s += ", locked to thread";
  return s;
}

void frames_text(std::string& out, const std::vector<Frame>& stack, const char* indent) {
  for (const auto& f : stack) {
    out += fmt::format("{}{}\n", indent, f.function);
    if (!f.file.empty()) out += fmt::format("{}    {}:{}\n", indent, f.file, f.line);
  }
}

std::string goids_text(const std::vector<uint64_t>& goids) {
  if (goids.empty()) return "";
  std::string s = goids.size() == 1 ? " (goroutine " : " (goroutines ";
  for (size_t i = 0; i < goids.size() && i < kGoidsShown; i++)
    s += (i ? ", " : "") + std::to_string(goids[i]);
  if (goids.size() > kGoidsShown) s += ", ...";
  return s + ")";
}

std::string creator_text(const Group& g) {
  if (!g.created_by) return "";
  std::string s = fmt::format(", created by {}", g.created_by->function);
  if (g.created_by->creator_goid) s += fmt::format(" in goroutine {}", *g.created_by->creator_goid);
  return s;
}

std::string labels_text(const std::vector<goroutines::Label>& labels) {
  if (labels.empty()) return "";
  std::string s = " {";
  for (size_t i = 0; i < labels.size(); i++)
    s += fmt::format("{}{}={}", i ? ", " : "", labels[i].key, labels[i].value);
  return s + "}";
}

}  // namespace

std::string goroutine_report_text(const GoroutineReport& r) {
  std::string out;
  const auto& fin = r.finalizer;
  if (fin && fin->blocked) {
    out += fmt::format(
        "FINALIZER STALL: the finalizer goroutine{} is blocked in {} [{}]: no other finalizer "
        "runs until it returns, and every object waiting for one stays in memory.\n\n",
        fin->goid ? fmt::format(" {}", *fin->goid) : "", fin->function,
        state_text(fin->state, fin->wait_minutes, false, false));
  }
  uint64_t shown = r.grouping.total >= r.grouping.hidden_runtime_owned
                       ? r.grouping.total - r.grouping.hidden_runtime_owned
                       : 0;
  out += fmt::format(
      "{} goroutine {}{}: {}, {} shown in {} (grouped by {})",
      goroutines::dump_form_name(r.dump->form), r.dump->leak_profile ? "leak profile" : "dump",
      r.dump->reason.empty() ? "" : fmt::format(" ({})", r.dump->reason),
      plural(r.grouping.total, "goroutine", "goroutines"), shown,
      plural(r.grouping.groups.size(), "group", "groups"), group_by_name(r.group_by));
  if (r.grouping.hidden_runtime_owned > 0)
    out += fmt::format("; {} runtime-owned hidden (--all shows them)",
                       r.grouping.hidden_runtime_owned);
  out += "\n";

  if (r.grouping.leaked > 0) {
    // The GC's own proof outranks every heuristic: these can never run again.
    out += fmt::format("\nProven leaked ({} the GC found nothing can ever wake):\n",
                       plural(r.grouping.leaked, "goroutine", "goroutines"));
    size_t i = 0;
    for (const auto& g : r.grouping.groups) {
      if (g.leaked == 0) continue;
      out +=
          fmt::format("  {}. {} in {} [{}]{}{}\n", ++i, plural(g.leaked, "goroutine", "goroutines"),
                      g.program_function, state_text(g.state, g.max_wait_minutes, false, true),
                      creator_text(g), labels_text(g.labels));
    }
  }
  if (!r.suspects.empty()) {
    out += "\nLeak suspects (many goroutines parked waiting for another goroutine):\n";
    for (size_t i = 0; i < r.suspects.size(); i++) {
      const Group& g = *r.suspects[i].group;
      out += fmt::format("  {}. {} in {} [{}]{}{}\n", i + 1,
                         plural(g.count, "goroutine", "goroutines"), g.program_function,
                         state_text(g.state, g.max_wait_minutes, false, true), creator_text(g),
                         labels_text(g.labels));
    }
  }
  if (fin && !fin->blocked)
    out += fmt::format("\nFinalizer goroutine{}: idle [{}]\n",
                       fin->goid ? fmt::format(" {}", *fin->goid) : "", fin->state);

  out += "\nGroups:\n";
  for (const auto& g : r.grouping.groups) {
    out += fmt::format("\n{} [{}]{}{}{}{}\n", plural(g.count, "goroutine", "goroutines"),
                       state_text(g.state, g.max_wait_minutes, g.locked_to_thread, true),
                       g.runtime_owned ? " runtime-owned" : "", labels_text(g.labels),
                       creator_text(g), goids_text(g.goids));
    frames_text(out, g.stack, "    ");
    if (g.created_by && !g.created_by->file.empty())
      out += fmt::format("    created by {}\n        {}:{}\n", g.created_by->function,
                         g.created_by->file, g.created_by->line);
  }
  return out;
}

std::string goroutine_diff_text(const goroutines::GoroutineDiff& d) {
  std::string out =
      fmt::format("goroutines: {} now, {} in the base ({:+})\n", d.total, d.base_total,
                  static_cast<int64_t>(d.total) - static_cast<int64_t>(d.base_total));
  if (d.changes.empty()) out += "no stack changed\n";
  for (const auto& c : d.changes) {
    std::string what = c.is_new    ? fmt::format("NEW {:+}", c.delta)
                       : c.is_gone ? fmt::format("GONE {:+}", c.delta)
                                   : fmt::format("{:+} ({} -> {})", c.delta, c.base_count, c.count);
    out += fmt::format("\n{} {} [{}]\n", what, c.top_function,
                       c.state.empty() ? "state unknown" : c.state);
    frames_text(out, c.stack, "    ");
  }
  if (d.unchanged_stacks > 0) out += fmt::format("\n{} stacks unchanged\n", d.unchanged_stacks);
  return out;
}

}  // namespace leakseek::report
