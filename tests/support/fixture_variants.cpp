#include "support/fixture_variants.h"

#include <cstdlib>
#include <filesystem>

#include "support/fixtures.h"

namespace leakseek::test {

namespace {

// Paths here come from mkdtemp and the build tree and never hold a quote.
std::string shell_quoted(const std::string& s) {
  return "'" + s + "'";
}

}  // namespace

std::string build_fixture_variant(const std::string& go, const std::string& name,
                                  const std::string& ldflags, const std::string& dir) {
  const std::filesystem::path root = LEAKSEEK_SOURCE_DIR;
  std::string tool = "/usr/lib/go-" + go.substr(2) + "/bin/go";
  std::string prog = dir + "/" + name;
  // Module mode off and a local toolchain: the build never touches the network.
  std::string cmd = "cd " + shell_quoted((root / "testdata/go" / name).string()) +
                    " && env GO111MODULE=off GOFLAGS= CGO_ENABLED=0 GOTOOLCHAIN=local GOENV=off "
                    "GOCACHE=" +
                    shell_quoted(fixture_dir() + "/.gocache") + " HOME=" + shell_quoted(dir) + " " +
                    shell_quoted(tool) + " build -ldflags=" + ldflags + " -o " +
                    shell_quoted(prog) + " . && " + shell_quoted(prog) + " " +
                    shell_quoted(prog + ".dump") + " " + shell_quoted(prog + ".json");
  return std::system(cmd.c_str()) == 0 ? prog : "";
}

}  // namespace leakseek::test
