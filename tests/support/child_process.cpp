#include "support/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace leakseek::test {

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& out_prefix)
    : out_path_(out_prefix + ".out"), err_path_(out_prefix + ".err") {
  if (argv.empty()) throw std::runtime_error("ChildProcess: no program");
  int in[2];
  if (pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error("ChildProcess: pipe failed");
  // Everything the child needs is prepared before fork: only async-signal-safe calls after it.
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int out = open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int err = open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0 || err < 0) throw std::runtime_error("ChildProcess: cannot create " + out_prefix);
  pid_ = fork();
  if (pid_ == 0) {
    dup2(in[0], 0);
    dup2(out, 1);
    dup2(err, 2);
    execv(args[0], args.data());
    _exit(127);
  }
  close(in[0]);
  close(out);
  close(err);
  stdin_fd_ = in[1];
  if (pid_ < 0) {
    close(stdin_fd_);
    throw std::runtime_error("ChildProcess: fork failed");
  }
}

ChildProcess::~ChildProcess() {
  if (stdin_fd_ >= 0) close(stdin_fd_);
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

std::optional<std::string> ChildProcess::wait_for_line(const std::string& prefix,
                                                       std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  for (;;) {
    std::ifstream in(out_path_);
    for (std::string line; std::getline(in, line);)
      if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return std::nullopt;
    }
    if (std::chrono::steady_clock::now() >= end) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string ChildProcess::stderr_tail() const {
  std::ifstream in(err_path_);
  std::ostringstream s;
  s << in.rdbuf();
  std::string all = s.str();
  return all.size() > 2000 ? all.substr(all.size() - 2000) : all;
}

}  // namespace leakseek::test
