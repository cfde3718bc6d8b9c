#pragma once
// Bad flags or arguments that CLI11 cannot catch itself: main() prints the message and exits 2,
// as it does for CLI11's own errors.
#include <stdexcept>

namespace leakseek::cli {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace leakseek::cli
