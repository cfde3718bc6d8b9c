#pragma once
// The Go services under testdata/services, built by the test that runs them, and what a test
// watching them measures.
#include <string>

namespace leakseek::test {

// Builds testdata/services/NAME (one module, standard library only) with Go `go` ("go1.26") into
// DIR/NAME and returns that path; "" when the build fails (its output goes to DIR/NAME.build).
std::string build_go_service(const std::string& go, const std::string& name,
                             const std::string& dir);

// The process's peak resident set (VmHWM in /proc/PID/status) in bytes; -1 when unreadable.
long long peak_rss_bytes(int pid);

}  // namespace leakseek::test
