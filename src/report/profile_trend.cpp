#include "report/profile_trend.h"

#include <fmt/format.h>

#include <cmath>
#include <ctime>

#include "report/profile_values.h"

namespace leakseek::report {

namespace {

std::string utc(int64_t nanos) {
  std::time_t secs = static_cast<std::time_t>(nanos / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return fmt::format("{}.{:03d}", buf, static_cast<int>((nanos / 1'000'000) % 1000));
}

std::string duration(int64_t nanos) {
  double s = static_cast<double>(nanos) / 1e9;
  if (s < 120) return fmt::format("{:.1f}s", s);
  if (s < 7200) return fmt::format("{:.1f}min", s / 60);
  return fmt::format("{:.1f}h", s / 3600);
}

std::string slope(double per_hour, const std::string& unit) {
  return format_delta(std::llround(per_hour), unit) + "/h";
}

std::string series_line(const profiles::TrendSeries& s, const std::string& unit, size_t n) {
  return fmt::format("{} -> {}, {}, R² {:.2f}, {}, in {} of {} snapshots",
                     format_value(s.first, unit), format_value(s.last, unit),
                     slope(s.slope_per_hour, unit), s.r2,
                     profiles::monotonicity_name(s.monotonicity), s.present, n);
}

std::string site_table(const std::vector<profiles::TrendSeries>& sites, const std::string& unit,
                       size_t limit, bool stacks) {
  std::string out = fmt::format("{:>11} {:>11} {:>13} {:>5}  {:<10}  {}\n", "first", "last",
                                "slope", "R²", "trend", stacks ? "stack (leaf first)" : "function");
  size_t shown = limit ? std::min(limit, sites.size()) : sites.size();
  for (size_t i = 0; i < shown; i++) {
    const auto& s = sites[i];
    std::string name = s.frames.front();
    if (stacks && s.frames.size() > 1) name += fmt::format(" < {}", s.frames[1]);
    if (stacks && s.frames.size() > 2) name += fmt::format(" < ... ({} frames)", s.frames.size());
    out += fmt::format("{:>11} {:>11} {:>13} {:>5.2f}  {:<10}  {}{}\n", format_value(s.first, unit),
                       format_value(s.last, unit), slope(s.slope_per_hour, unit), s.r2,
                       profiles::monotonicity_name(s.monotonicity), name,
                       s.suspect ? "  [suspect]" : "");
  }
  if (shown < sites.size()) out += fmt::format("  ... {} more\n", sites.size() - shown);
  return out;
}

nlohmann::json series_json(const profiles::TrendSeries& s, bool stack) {
  nlohmann::json j;
  if (stack)
    j["frames"] = s.frames;
  else
    j["function"] = s.frames.front();
  j["first"] = s.first;
  j["last"] = s.last;
  j["min"] = s.min;
  j["max"] = s.max;
  j["present"] = s.present;
  j["slope_per_hour"] = s.slope_per_hour;
  j["r2"] = s.r2;
  j["noise"] = s.noise;
  j["monotonicity"] = profiles::monotonicity_name(s.monotonicity);
  j["suspect"] = s.suspect;
  j["values"] = s.values;
  return j;
}

nlohmann::json sites_json(const std::vector<profiles::TrendSeries>& sites, size_t limit,
                          bool stacks) {
  nlohmann::json out = nlohmann::json::array();
  size_t shown = limit ? std::min(limit, sites.size()) : sites.size();
  for (size_t i = 0; i < shown; i++) out.push_back(series_json(sites[i], stacks));
  return out;
}

}  // namespace

std::string profile_trend_text(const profiles::TrendResult& t, size_t limit) {
  const std::string& unit = t.sample_type.unit;
  const size_t n = t.snapshots.size();
  const auto& first = t.snapshots.front();
  const auto& last = t.snapshots.back();
  std::string out = fmt::format(
      "{} snapshots of {} over {} ({} .. {} UTC)\n", n, describe(t.sample_type),
      duration(last.time_nanos - first.time_nanos), utc(first.time_nanos), utc(last.time_nanos));
  for (const auto& s : t.snapshots)
    out += fmt::format("  {}  total {:>11}  {}\n", utc(s.time_nanos), format_value(s.total, unit),
                       s.name);
  if (!t.same_gc_cycle.empty()) {
    out += fmt::format(
        "Not counted: {} taken before the next GC (the same heap as the snapshot before):",
        t.same_gc_cycle.size() == 1 ? "1 snapshot"
                                    : fmt::format("{} snapshots", t.same_gc_cycle.size()));
    for (const auto& s : t.same_gc_cycle) out += " " + s.name;
    out += "\n";
  }

  const auto& o = t.options.growth;
  // The rule in words, from the thresholds it was applied with.
  const std::string rule = fmt::format(
      "faster than {} and by at least {}, with R² > {:.2f} over >= {} snapshots{}, still "
      "climbing in the later half",
      slope(o.min_slope_per_hour, unit), format_value(o.min_growth, unit), o.min_r2, o.min_points,
      o.sample_period > 1 ? fmt::format(", beyond {:g}x the sampling noise", o.noise_sigmas) : "");
  out += "\n";
  if (t.suspects.empty()) {
    out += fmt::format("No leak suspects: no site grows {}.\n", rule);
  } else {
    out += fmt::format("Leak suspects: sites growing {}\n", rule);
    int i = 0;
    for (const auto& s : t.suspects) {
      out += fmt::format("{}. {}: {}\n", ++i, s.function.frames.front(),
                         series_line(s.function, unit, n));
      for (const auto& stack : s.stacks) {
        out += fmt::format("     stack{}: {}\n", stack.suspect ? " (suspect)" : "",
                           series_line(stack, unit, n));
        for (const auto& frame : stack.frames) out += fmt::format("       {}\n", frame);
      }
    }
  }
  out += "\nAllocation sites by function (value allocated in the function itself):\n";
  out += site_table(t.functions, unit, limit, false);
  out += "\nAllocation sites by stack:\n";
  out += site_table(t.stacks, unit, limit, true);
  return out;
}

nlohmann::json profile_trend_json(const profiles::TrendResult& t, size_t limit) {
  nlohmann::json snapshots = nlohmann::json::array();
  for (const auto& s : t.snapshots)
    snapshots.push_back({{"name", s.name}, {"time_nanos", s.time_nanos}, {"total", s.total}});
  nlohmann::json same_gc = nlohmann::json::array();
  for (const auto& s : t.same_gc_cycle)
    same_gc.push_back({{"name", s.name}, {"time_nanos", s.time_nanos}, {"total", s.total}});
  nlohmann::json suspects = nlohmann::json::array();
  for (const auto& s : t.suspects) {
    nlohmann::json j = series_json(s.function, false);
    j["stacks"] = nlohmann::json::array();
    for (const auto& stack : s.stacks) j["stacks"].push_back(series_json(stack, true));
    suspects.push_back(std::move(j));
  }
  return {{"sample_type", t.sample_type.type},
          {"unit", t.sample_type.unit},
          {"thresholds",
           {{"min_slope_per_hour", t.options.growth.min_slope_per_hour},
            {"min_growth", t.options.growth.min_growth},
            {"min_r2", t.options.growth.min_r2},
            {"min_snapshots", t.options.growth.min_points},
            {"sample_period", t.options.growth.sample_period},
            {"noise_sigmas", t.options.growth.noise_sigmas},
            {"min_recent_share", t.options.growth.min_recent_share},
            {"min_recent_ratio", t.options.growth.min_recent_ratio}}},
          {"snapshots", std::move(snapshots)},
          {"same_gc_cycle", std::move(same_gc)},
          {"suspects", std::move(suspects)},
          {"functions", sites_json(t.functions, limit, false)},
          {"stacks", sites_json(t.stacks, limit, true)}};
}

}  // namespace leakseek::report
