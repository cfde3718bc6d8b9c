#pragma once
// How numbers look in tables: sizes human-readable, addresses in Go's 0x form.
#include <cstdint>
#include <string>

namespace leakseek::report {

std::string human_bytes(uint64_t n);                    // "1.5 MiB", "312 B"
std::string hex(uint64_t v);                            // "0xc000012000"
std::string percent_of(uint64_t part, uint64_t whole);  // "12.5%", "-" when whole is 0

}  // namespace leakseek::report
