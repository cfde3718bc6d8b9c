#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "cli/fail_on.h"
#include "cli/profile_common.h"
#include "profiles/trend.h"
#include "report/profile_trend.h"
#include "util/input_error.h"

namespace leakseek::cli {

namespace {

struct TrendArgs {
  std::vector<std::string> inputs;
  profiles::TrendOptions options;
  size_t limit = 10;
  std::string fail_on;
  bool json = false;
};

// A directory stands for the files in it (not hidden, not in subdirectories), by name; time
// order comes from the profiles themselves.
std::vector<std::string> expand(const std::vector<std::string>& inputs) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const auto& in : inputs) {
    std::error_code ec;
    if (!fs::is_directory(in, ec)) {
      files.push_back(in);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& e : fs::directory_iterator(in, ec))
      if (e.is_regular_file() && !e.path().filename().string().starts_with("."))
        found.push_back(e.path().string());
    if (ec) throw InputError(in, std::nullopt, "cannot list directory: " + ec.message());
    if (found.empty()) throw InputError(in, std::nullopt, "no profiles in this directory");
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

}  // namespace

void add_profile_trend(CLI::App& profile) {
  auto args = std::make_shared<TrendArgs>();
  auto* cmd = profile.add_subcommand(
      "trend", "growth of every allocation site over many heap snapshots; flags steady growth");
  cmd->add_option("FILE", args->inputs, "heap profiles of one process, or directories of them")
      ->required();
  cmd->add_option("--sample-index", args->options.sample_type,
                  "sample type followed (default: inuse_space, else the profile's default)");
  cmd->add_option("--min-slope", args->options.growth.min_slope_per_hour,
                  "growth per hour a suspect must exceed, in the sample type's unit")
      ->capture_default_str();
  cmd->add_option("--min-growth", args->options.growth.min_growth,
                  "least rise over the snapshots a suspect must show, in the sample type's unit")
      ->capture_default_str();
  cmd->add_option("--min-r2", args->options.growth.min_r2,
                  "how close to a straight line a suspect's growth must be (R², 0..1)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--min-snapshots", args->options.growth.min_points,
                  "snapshots needed before anything is called a suspect")
      ->capture_default_str();
  cmd->add_option("-n,--limit", args->limit, "functions and stacks listed (0: all)")
      ->capture_default_str();
  cmd->add_option("--fail-on", args->fail_on, "exit 1 when leak suspects are found")
      ->check(CLI::IsMember({"leak"}));
  cmd->add_flag("--json", args->json, "machine-readable output");
  cmd->callback([args] {
    auto files = expand(args->inputs);
    profiles::TrendBuilder builder(args->options);
    for (const auto& file : files) {
      // One profile in memory at a time: the builder keeps only per-site sums.
      auto p = load_profile(file);
      try {
        builder.add(file, p);
      } catch (const std::invalid_argument& e) {
        throw InputError(file, std::nullopt, e.what());
      }
    }
    profiles::TrendResult result;
    try {
      result = builder.finish();
    } catch (const std::invalid_argument& e) {
      throw InputError(files.back(), std::nullopt, e.what());
    }
    if (args->json)
      fmt::print("{}\n", report::profile_trend_json(result, args->limit).dump(2));
    else
      fmt::print("{}", report::profile_trend_text(result, args->limit));
    if (args->fail_on == "leak" && !result.suspects.empty())
      throw FailOnFound(fmt::format("{} leak suspect{} (--fail-on leak)", result.suspects.size(),
                                    result.suspects.size() == 1 ? "" : "s"));
  });
}

}  // namespace leakseek::cli
