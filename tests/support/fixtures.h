#pragma once
// Access to the Go-built fixtures (see testdata/go/README.md) and to the leakseek binary.
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace leakseek::test {

// The Go versions fixtures are built with; each fixture exists once per version.
const std::vector<std::string>& go_versions();
// The fixture sets whose heap dumps the heap tests read: each Go version's build ("go1.23"),
// then the same programs externally linked with cgo ("go1.23-extlink"), where the ELF .data and
// .bss sections hold C variables too, plus the programs that use cgo (cgostall).
const std::vector<std::string>& heap_fixture_sets();
// The Go version of a fixture set: "go1.23-extlink" -> "go1.23".
std::string go_of(const std::string& set);
// Whether a fixture set's programs are externally linked cgo binaries.
bool is_extlink(const std::string& set);
// The go command of Go version GO ("go1.23").
std::string go_tool(const std::string& go);

// One form of the goroutineleak fixture's leak profile ("debug0", "debug1", "debug2") from one
// Go version that writes it (1.27 on).
struct LeakProfileForm {
  std::string go;
  std::string form;
};
std::vector<LeakProfileForm> leak_profile_forms();
inline void PrintTo(const LeakProfileForm& f, std::ostream* os) {
  *os << f.go << " " << f.form;
}
// Names the instances of a test parameterised by go_versions() or heap_fixture_sets():
// "go1.23-extlink" -> "go1_23_extlink", since gtest allows only letters, digits and underscores.
inline std::string param_name(std::string s) {
  for (char& c : s)
    if (c == '.' || c == '-') c = '_';
  return s;
}
// "go1.27" "debug1" -> "go1_27_debug1".
struct LeakProfileFormName {
  template <typename Info>
  std::string operator()(const Info& info) const {
    return param_name(info.param.go) + "_" + info.param.form;
  }
};
struct GoVersionName {
  template <typename Info>
  std::string operator()(const Info& info) const {
    return param_name(info.param);
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

// build/leakseek, or $LEAKSEEK_BIN.
std::string leakseek_binary();

// Runs the leakseek binary with these arguments (no shell).
CommandResult run_leakseek(const std::vector<std::string>& args);
// A fresh directory under /tmp, removed with all it holds when this goes out of scope. Throws
// std::runtime_error when it cannot be made.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "leakseek");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Writes bytes to a fresh temporary file and returns its path.
std::string write_temp(const std::string& bytes, const std::string& suffix = ".dump");

}  // namespace leakseek::test
