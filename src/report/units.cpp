#include "report/units.h"

#include <fmt/format.h>

#include <ctime>

namespace leakseek::report {

std::string human_bytes(uint64_t n) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  if (n < 1024) return fmt::format("{} B", n);
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 4) v /= 1024, u++;
  return fmt::format("{:.1f} {}", v, kUnits[u]);
}

std::string percent_of(uint64_t part, uint64_t whole) {
  return whole ? fmt::format("{:.1f}%",
                             100.0 * static_cast<double>(part) / static_cast<double>(whole))
               : "-";
}

std::string hex(uint64_t v) {
  return fmt::format("{:#x}", v);
}

namespace {

// Seconds in RFC 3339 and the fraction's nine digits, with floor division for times before 1970.
std::pair<std::string, std::string> rfc3339_parts(int64_t unix_nanos) {
  int64_t secs = unix_nanos / 1'000'000'000;
  int64_t frac = unix_nanos % 1'000'000'000;
  if (frac < 0) {
    frac += 1'000'000'000;
    secs -= 1;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return {buf, fmt::format("{:09d}", frac)};
}

}  // namespace

std::string rfc3339_utc(int64_t unix_nanos) {
  auto [secs, digits] = rfc3339_parts(unix_nanos);
  digits.resize(3);
  return digits == "000" ? secs + "Z" : secs + "." + digits + "Z";
}

std::string rfc3339_utc_exact(int64_t unix_nanos) {
  auto [secs, digits] = rfc3339_parts(unix_nanos);
  digits.erase(digits.find_last_not_of('0') + 1);
  return digits.empty() ? secs + "Z" : secs + "." + digits + "Z";
}

}  // namespace leakseek::report
