#include "report/profile_top.h"

#include <fmt/format.h>

#include "report/profile_values.h"

namespace leakseek::report {

std::string inline_suffix(profiles::InlineMark mark) {
  switch (mark) {
    case profiles::InlineMark::kInline:
      return " (inline)";
    case profiles::InlineMark::kPartial:
      return " (partial-inline)";
    case profiles::InlineMark::kNone:
      break;
  }
  return "";
}

std::string profile_top_text(const profiles::TopResult& top) {
  const std::string& unit = top.sample_type.unit;
  int64_t shown = 0;
  for (const auto& r : top.rows) shown += r.flat;
  std::string out = fmt::format("Type: {}\n", describe(top.sample_type));
  out += fmt::format("Showing {} of {} total ({}) in {} functions\n", format_value(shown, unit),
                     format_value(top.total, unit), percent(shown, top.total), top.rows.size());
  if (top.dropped)
    out += fmt::format("Dropped {} functions (|cum| <= {})\n", top.dropped,
                       format_value(top.drop_threshold, unit));
  if (top.rows.size() < top.kept)
    out += fmt::format("Showing top {} functions out of {}\n", top.rows.size(), top.kept);
  out += fmt::format("{:>11} {:>6} {:>6} {:>11} {:>6}  {}\n", "flat", "flat%", "sum%", "cum",
                     "cum%", "function");
  int64_t sum = 0;
  for (const auto& r : top.rows) {
    sum += r.flat;
    out +=
        fmt::format("{:>11} {:>6} {:>6} {:>11} {:>6}  {}{}\n", format_value(r.flat, unit),
                    percent(r.flat, top.total), percent(sum, top.total), format_value(r.cum, unit),
                    percent(r.cum, top.total), r.function, inline_suffix(r.inline_mark));
  }
  return out;
}

nlohmann::json profile_top_json(const profiles::TopResult& top) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : top.rows) {
    nlohmann::json row = {{"function", r.function}, {"flat", r.flat}, {"cum", r.cum}};
    if (r.inline_mark == profiles::InlineMark::kInline) row["inline"] = "inline";
    if (r.inline_mark == profiles::InlineMark::kPartial) row["inline"] = "partial-inline";
    rows.push_back(std::move(row));
  }
  return {{"sample_type", top.sample_type.type},
          {"unit", top.sample_type.unit},
          {"total", top.total},
          {"dropped_functions", top.dropped},
          {"drop_threshold", top.drop_threshold},
          {"functions", top.kept},
          {"rows", std::move(rows)}};
}

}  // namespace leakseek::report
