#pragma once
// --fail-on: a command that found what the user asked it to fail on throws FailOnFound after it
// has printed its whole report; main() prints the reason and exits 1 (2 stays bad usage/input).
#include <stdexcept>

namespace leakseek::cli {

struct FailOnFound : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace leakseek::cli
