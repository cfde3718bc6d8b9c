#pragma once
// How numbers look in tables: sizes human-readable, addresses in Go's 0x form; times in RFC 3339.
#include <cstdint>
#include <string>

namespace leakseek::report {

std::string human_bytes(uint64_t n);                    // "1.5 MiB", "312 B"
std::string hex(uint64_t v);                            // "0xc000012000"
std::string percent_of(uint64_t part, uint64_t whole);  // "12.5%", "-" when whole is 0

// RFC 3339 in UTC: "2026-11-27T18:00:00Z", with milliseconds when they are not 0 (".250Z"):
// what alert receivers are shown.
std::string rfc3339_utc(int64_t unix_nanos);
// The same to the nanosecond, trailing zeros trimmed ("...:00.25Z"): exact, so a time the API
// gives out selects the same snapshot when it comes back as a parameter.
std::string rfc3339_utc_exact(int64_t unix_nanos);

}  // namespace leakseek::report
