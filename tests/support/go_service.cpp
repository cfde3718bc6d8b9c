#include "support/go_service.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "support/fixtures.h"

namespace leakseek::test {

std::string build_go_service(const std::string& go, const std::string& name,
                             const std::string& dir) {
  const std::string out = dir + "/" + name;
  // One module without dependencies: nothing to fetch, no go.sum.
  const std::string cmd = std::string("cd '") + LEAKSEEK_SOURCE_DIR + "/testdata/services/" + name +
                          "' && GO111MODULE=on GOFLAGS=-mod=mod GOWORK=off GOTOOLCHAIN=local "
                          "CGO_ENABLED=0 '" +
                          go_tool(go) + "' build -o '" + out + "' . >'" + out + ".build' 2>&1";
  return std::system(cmd.c_str()) == 0 ? out : "";
}

long long peak_rss_bytes(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmHWM:", 0) == 0) {
      std::istringstream fields(line.substr(6));
      long long kib = -1;
      fields >> kib;
      return kib < 0 ? -1 : kib * 1024;
    }
  return -1;
}

}  // namespace leakseek::test
