#pragma once
// The one error type for bad input: it carries what a user needs to find the problem.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace leakseek {

class InputError : public std::runtime_error {
 public:
  InputError(std::string file, std::optional<uint64_t> offset, const std::string& what)
      : std::runtime_error(what), file_(std::move(file)), offset_(offset) {}

  const std::string& file() const { return file_; }
  std::optional<uint64_t> offset() const { return offset_; }

  // "FILE: offset N: what", the form every command prints after "leakseek: ".
  std::string describe() const {
    std::string s = file_;
    if (offset_) s += ": offset " + std::to_string(*offset_);
    return s + ": " + what();
  }

 private:
  std::string file_;
  std::optional<uint64_t> offset_;
};

}  // namespace leakseek
