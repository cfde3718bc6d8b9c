#pragma once
// Access to the Go-built fixtures (see testdata/go/README.md) and to the leakseek binary.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace leakseek::test {

// The Go versions fixtures are built with; each fixture exists once per version.
const std::vector<std::string>& go_versions();
// Names the instances of a test parameterised by go_versions(): "go1.23" -> "go1_23", since
// gtest allows only letters, digits and underscores.
struct GoVersionName {
  template <typename Info>
  std::string operator()(const Info& info) const {
    std::string s = info.param;
    for (char& c : s)
      if (c == '.') c = '_';
    return s;
  }
};
std::string fixture_dir();
// Path of fixture NAME (e.g. "heapfixture") built with GO (e.g. "go1.23"), with an extension
// ("dump", "json") or none for the program binary.
std::string fixture_path(const std::string& go, const std::string& name,
                         const std::string& ext = "");
nlohmann::json fixture_facts(const std::string& go, const std::string& name);
uint64_t hex_addr(const nlohmann::json& j);

struct CommandResult {
  int exit_code;
  std::string out;
  std::string err;
};
// Runs the leakseek binary with these arguments (no shell).
CommandResult run_leakseek(const std::vector<std::string>& args);
// Writes bytes to a fresh temporary file and returns its path.
std::string write_temp(const std::string& bytes, const std::string& suffix = ".dump");

}  // namespace leakseek::test
