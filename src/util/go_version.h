#pragma once
// Go toolchain versions as the runtime prints them ("go1.23.5").
#include <optional>
#include <string_view>

namespace leakseek {

// "go1.23.5" -> 23; nullopt for development versions and anything unexpected.
inline std::optional<int> go_minor_version(std::string_view v) {
  if (v.substr(0, 4) != "go1.") return std::nullopt;
  int minor = 0;
  size_t i = 4;
  for (; i < v.size() && v[i] >= '0' && v[i] <= '9'; i++) minor = minor * 10 + (v[i] - '0');
  return i > 4 ? std::optional(minor) : std::nullopt;
}

}  // namespace leakseek
