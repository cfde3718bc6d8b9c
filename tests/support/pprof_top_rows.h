#pragma once
// The rows of `go tool pprof -top -unit=B ...`, exact: the reference every `profile top` and
// `profile diff` number is checked against.
#include <cstdint>
#include <string>
#include <vector>

namespace leakseek::test {

struct GoTopRow {
  std::string function;  // as printed, with " (inline)" or " (partial-inline)" when pprof adds it
  int64_t flat = 0;
  int64_t cum = 0;
  bool operator==(const GoTopRow&) const = default;
};

struct GoTop {
  int64_t total = 0;  // "of N total"
  std::vector<GoTopRow> rows;
};

// `go tool pprof -top -unit=B [-sample_index=INDEX] [-base BASE] FILE`.
GoTop go_pprof_top(const std::string& file, const std::string& sample_index = "",
                   const std::string& base = "");

}  // namespace leakseek::test
