#pragma once
// Runs `go tool pprof` of the newest supported Go (1.27), the reference for what a profile
// means, and picks the few numbers the tests compare out of its text output.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace leakseek::test {

// Standard output of `go tool pprof ARGS...`; throws std::runtime_error (with its standard
// error) when it does not exit 0.
std::string go_pprof(const std::vector<std::string>& args);

// What `go tool pprof -raw FILE` lists.
struct GoPprofRaw {
  std::vector<std::string> sample_types;  // as printed: "inuse_space/bytes"
  // The type pprof marks "[dflt]": the profile's default_sample_type, when it names one.
  std::optional<size_t> marked_default;
  std::vector<int64_t> totals;  // per sample type, summed over the samples
  size_t sample_count = 0;
  std::string text;  // the whole output
};
GoPprofRaw go_pprof_raw(const std::string& file);

// The "of N total" figure of `go tool pprof -top -unit=B [-sample_index=INDEX] FILE`. pprof
// adds up absolute values here.
int64_t go_pprof_top_total(const std::string& file, const std::string& sample_index = "");

}  // namespace leakseek::test
