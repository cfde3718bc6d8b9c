#include "cli/commands.h"
#include "cli/profile_common.h"

namespace leakseek::cli {

void add_profile_commands(CLI::App& app) {
  auto* profile = app.add_subcommand(
      "profile", "read pprof profiles (/debug/pprof/heap, allocs, goroutine): top, diff, trend");
  profile->require_subcommand(1);
  add_profile_top(*profile);
  add_profile_diff(*profile);
  add_profile_trend(*profile);
}

}  // namespace leakseek::cli
