#include "report/units.h"

#include <fmt/format.h>

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

}  // namespace leakseek::report
