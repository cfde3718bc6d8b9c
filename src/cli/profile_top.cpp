#include <fmt/format.h>

#include "cli/profile_common.h"
#include "profiles/top.h"
#include "report/profile_top.h"

namespace leakseek::cli {

namespace {
struct TopArgs {
  std::string file;
  std::string sample_index;
  profiles::TopOptions options;
  bool json = false;
};
}  // namespace

void add_profile_top(CLI::App& profile) {
  auto args = std::make_shared<TopArgs>();
  auto* cmd = profile.add_subcommand(
      "top", "flat and cum per function, the numbers `go tool pprof -top` prints");
  cmd->add_option("FILE", args->file, "pprof profile (gzip-compressed or raw)")->required();
  add_sample_options(*cmd, args->sample_index, args->options.node_fraction);
  cmd->add_option("-n,--nodecount", args->options.node_count,
                  "show at most N functions, the first in order (0: all)")
      ->capture_default_str();
  cmd->add_flag("--cum", args->options.sort_by_cum, "sort by cum instead of flat");
  cmd->add_flag("--json", args->json, "machine-readable output");
  cmd->callback([args] {
    auto p = load_profile(args->file);
    profiles::TopOptions o = args->options;
    o.sample_index = sample_index(p, args->sample_index, args->file);
    auto result = profiles::top(p, o);
    if (args->json)
      fmt::print("{}\n", report::profile_top_json(result).dump(2));
    else
      fmt::print("{}", report::profile_top_text(result));
  });
}

}  // namespace leakseek::cli
