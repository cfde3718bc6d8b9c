#include "report/profile_values.h"

#include <fmt/format.h>

#include "report/units.h"

namespace leakseek::report {

namespace {
uint64_t magnitude(int64_t v) {
  return v < 0 ? 0 - static_cast<uint64_t>(v) : v;
}
}  // namespace

std::string format_value(int64_t v, const std::string& unit) {
  std::string sign = v < 0 ? "-" : "";
  if (unit == "bytes") return sign + human_bytes(magnitude(v));
  if (unit == "nanoseconds") {
    double s = static_cast<double>(magnitude(v)) / 1e9;
    if (s >= 1) return fmt::format("{}{:.2f}s", sign, s);
    return fmt::format("{}{:.2f}ms", sign, s * 1e3);
  }
  return fmt::format("{}", v);
}

std::string format_delta(int64_t v, const std::string& unit) {
  return (v > 0 ? "+" : "") + format_value(v, unit);
}

std::string percent(int64_t part, int64_t whole) {
  if (whole == 0) return "-";
  return fmt::format("{:.1f}%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

std::string describe(const profiles::ValueType& t) {
  return t.unit.empty() ? t.type : t.type + " (" + t.unit + ")";
}

}  // namespace leakseek::report
