#include "watch/api_params.h"

#include <charconv>
#include <ctime>
#include <limits>
#include <optional>
#include <string>

#include "watch/api_error.h"

namespace leakseek::watch {

namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kMaxDuration = int64_t{366} * 24 * 3600 * kSecond;

[[noreturn]] void bad(std::string_view name, std::string_view value, std::string_view expected) {
  throw ApiError(400, "parameter " + std::string(name) + "=" + std::string(value.substr(0, 64)) +
                          ": expected " + std::string(expected));
}

// Reads exactly `digits` decimal digits at `pos`.
bool fixed_digits(std::string_view s, size_t& pos, size_t digits, int& out) {
  if (pos + digits > s.size()) return false;
  out = 0;
  for (size_t i = 0; i < digits; i++) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += digits;
  return true;
}

bool expect_char(std::string_view s, size_t& pos, std::string_view any_of) {
  if (pos >= s.size() || any_of.find(s[pos]) == std::string_view::npos) return false;
  pos++;
  return true;
}

std::optional<int64_t> parse_rfc3339(std::string_view s) {
  size_t p = 0;
  int year, month, day, hour, minute, second;
  if (!fixed_digits(s, p, 4, year) || !expect_char(s, p, "-") || !fixed_digits(s, p, 2, month) ||
      !expect_char(s, p, "-") || !fixed_digits(s, p, 2, day) || !expect_char(s, p, "Tt ") ||
      !fixed_digits(s, p, 2, hour) || !expect_char(s, p, ":") || !fixed_digits(s, p, 2, minute) ||
      !expect_char(s, p, ":") || !fixed_digits(s, p, 2, second))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return std::nullopt;
  int64_t frac = 0;
  if (p < s.size() && s[p] == '.') {
    p++;
    int64_t scale = 100'000'000;
    size_t start = p;
    for (; p < s.size() && s[p] >= '0' && s[p] <= '9'; p++) {
      frac += (s[p] - '0') * scale;
      scale /= 10;
    }
    if (p == start) return std::nullopt;
  }
  int64_t offset_seconds = 0;
  if (expect_char(s, p, "Zz")) {
  } else if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
    int sign = s[p] == '-' ? -1 : 1;
    p++;
    int oh, om;
    if (!fixed_digits(s, p, 2, oh) || !expect_char(s, p, ":") || !fixed_digits(s, p, 2, om) ||
        oh > 23 || om > 59)
      return std::nullopt;
    offset_seconds = sign * (oh * 3600 + om * 60);
  } else {
    return std::nullopt;
  }
  if (p != s.size()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  int64_t secs = static_cast<int64_t>(timegm(&tm)) - offset_seconds;
  // Years 1678 to 2262 fit in int64 nanoseconds.
  if (secs < std::numeric_limits<int64_t>::min() / kSecond + 1 ||
      secs > std::numeric_limits<int64_t>::max() / kSecond - 1)
    return std::nullopt;
  return secs * kSecond + frac;
}

}  // namespace

int64_t parse_time_param(std::string_view name, std::string_view value) {
  int64_t nanos = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), nanos);
  if (ec == std::errc() && end == value.data() + value.size() && !value.empty()) return nanos;
  if (auto t = parse_rfc3339(value)) return *t;
  bad(name, value, "an RFC 3339 time (2024-05-01T12:00:00Z) or Unix nanoseconds");
}

int64_t parse_duration_param(std::string_view name, std::string_view value) {
  constexpr std::string_view kExpected = "a duration like 30m, 1h30m, 90s or 500ms";
  if (value.empty()) bad(name, value, kExpected);
  int64_t total = 0;
  size_t p = 0;
  while (p < value.size()) {
    int64_t n = 0;
    auto [end, ec] = std::from_chars(value.data() + p, value.data() + value.size(), n);
    if (ec != std::errc() || n < 0) bad(name, value, kExpected);
    p = end - value.data();
    size_t unit_start = p;
    while (p < value.size() && value[p] >= 'a' && value[p] <= 'z') p++;
    std::string_view unit = value.substr(unit_start, p - unit_start);
    int64_t scale = unit == "ms"  ? kSecond / 1000
                    : unit == "s" ? kSecond
                    : unit == "m" ? 60 * kSecond
                    : unit == "h" ? 3600 * kSecond
                    : unit == "d" ? 24 * 3600 * kSecond
                                  : 0;
    if (scale == 0) bad(name, value, kExpected);
    if (n > kMaxDuration / scale) bad(name, value, "a duration of at most 366d");
    total += n * scale;
    if (total > kMaxDuration) bad(name, value, "a duration of at most 366d");
  }
  if (total <= 0) bad(name, value, "a positive duration");
  return total;
}

int64_t parse_positive_param(std::string_view name, std::string_view value) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size() || n <= 0)
    bad(name, value, "a positive integer");
  return n;
}

SnapshotKind parse_kind_param(std::string_view name, std::string_view value,
                              std::initializer_list<SnapshotKind> allowed) {
  auto kind = snapshot_kind_from_name(value);
  for (SnapshotKind k : allowed)
    if (kind == k) return k;
  std::string names;
  for (SnapshotKind k : allowed)
    names += std::string(names.empty() ? "" : " or ") + snapshot_kind_name(k);
  bad(name, value, names);
}

}  // namespace leakseek::watch
