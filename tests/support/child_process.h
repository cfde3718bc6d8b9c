#pragma once
// A program the test starts and owns: its stdin is a pipe the test holds (programs that exit
// when it closes end with the test even if it is killed), its stdout and stderr go to files,
// and it is killed and reaped when the object goes.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace leakseek::test {

class ChildProcess {
 public:
  // Starts argv[0] with the rest as arguments; output goes to OUT_PREFIX.out and .err.
  // Throws std::runtime_error when it cannot be started.
  ChildProcess(const std::vector<std::string>& argv, const std::string& out_prefix);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The first stdout line that starts with `prefix`, with the prefix removed, once it appears;
  // nullopt when it does not within `limit` or the program exits first.
  std::optional<std::string> wait_for_line(const std::string& prefix,
                                           std::chrono::milliseconds limit);
  // The last lines of stderr, for failure messages.
  std::string stderr_tail() const;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  std::string out_path_, err_path_;
};

}  // namespace leakseek::test
