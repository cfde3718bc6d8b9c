#include "report/profile_diff.h"

#include <fmt/format.h>

#include "report/profile_top.h"
#include "report/profile_values.h"

namespace leakseek::report {

std::string profile_diff_text(const profiles::DiffResult& d) {
  const std::string& unit = d.sample_type.unit;
  const auto& f = d.functions;
  std::string out = fmt::format("Type: {}\n", describe(d.sample_type));
  out += fmt::format("BASE {}  NEW {}  change {}\n", format_value(d.base_total, unit),
                     format_value(d.current_total, unit),
                     format_delta(d.current_total - d.base_total, unit));
  out += fmt::format("\nFunctions, by growth (go tool pprof -top -base: {} total changed)\n",
                     format_value(f.total, unit));
  if (f.dropped)
    out += fmt::format("Dropped {} functions (|cum| <= {})\n", f.dropped,
                       format_value(f.drop_threshold, unit));
  out += fmt::format("{:>12} {:>12}  {}\n", "flat", "cum", "function");
  for (const auto& r : f.rows)
    out += fmt::format("{:>12} {:>12}  {}{}\n", format_delta(r.flat, unit),
                       format_delta(r.cum, unit), r.function, inline_suffix(r.inline_mark));
  if (f.rows.size() < f.kept)
    out += fmt::format("  ... {} more functions\n", f.kept - f.rows.size());

  out += fmt::format("\nStacks, by growth ({} changed)\n", d.changed_stacks);
  for (const auto& s : d.stacks) {
    out += fmt::format("{:>12}  base {}, new {}\n", format_delta(s.delta, unit),
                       format_value(s.base, unit), format_value(s.current, unit));
    for (const auto& frame : s.frames) out += fmt::format("{:>14}{}\n", "", frame);
  }
  if (d.stacks.size() < d.changed_stacks)
    out += fmt::format("  ... {} more stacks\n", d.changed_stacks - d.stacks.size());
  return out;
}

nlohmann::json profile_diff_json(const profiles::DiffResult& d) {
  nlohmann::json functions = nlohmann::json::array();
  for (const auto& r : d.functions.rows)
    functions.push_back({{"function", r.function}, {"flat", r.flat}, {"cum", r.cum}});
  nlohmann::json stacks = nlohmann::json::array();
  for (const auto& s : d.stacks)
    stacks.push_back(
        {{"frames", s.frames}, {"base", s.base}, {"new", s.current}, {"delta", s.delta}});
  return {{"sample_type", d.sample_type.type}, {"unit", d.sample_type.unit},
          {"base_total", d.base_total},        {"new_total", d.current_total},
          {"total", d.functions.total},        {"dropped_functions", d.functions.dropped},
          {"functions", std::move(functions)}, {"changed_stacks", d.changed_stacks},
          {"stacks", std::move(stacks)}};
}

}  // namespace leakseek::report
