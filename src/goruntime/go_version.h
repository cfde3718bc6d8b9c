#pragma once
// Go toolchain versions as the runtime prints them ("go1.23.5").
#include <optional>
#include <string>
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

// The newest Go release whose formats leakseek has been checked against (dumps, binaries,
// tracebacks). A newer one is read as this one, and the user is told.
inline constexpr int kNewestKnownGoMinor = 27;

// "go1.28.1" -> a one-line note that its layouts are assumed to be go1.27's; empty for known
// versions and for versions that do not parse.
inline std::string newer_go_note(std::string_view version) {
  auto minor = go_minor_version(version);
  if (!minor || *minor <= kNewestKnownGoMinor) return {};
  return std::string(version) + " is newer than go1." + std::to_string(kNewestKnownGoMinor) +
         ", the newest Go leakseek knows: its formats are read as go1." +
         std::to_string(kNewestKnownGoMinor) + "'s, and what does not match stays untyped";
}

}  // namespace leakseek
