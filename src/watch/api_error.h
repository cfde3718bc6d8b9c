#pragma once
// What the API answers when a request cannot be served: an HTTP status and a one-line message,
// sent as {"error": message}.
#include <stdexcept>
#include <string>

namespace leakseek::watch {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

}  // namespace leakseek::watch
