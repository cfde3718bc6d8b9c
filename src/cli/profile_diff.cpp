#include <fmt/format.h>

#include <stdexcept>

#include "cli/profile_common.h"
#include "profiles/diff.h"
#include "report/profile_diff.h"
#include "util/input_error.h"

namespace leakseek::cli {

namespace {
struct DiffArgs {
  std::string base, current;
  std::string sample_index;
  profiles::DiffOptions options;
  bool json = false;
};
}  // namespace

void add_profile_diff(CLI::App& profile) {
  auto args = std::make_shared<DiffArgs>();
  auto* cmd = profile.add_subcommand(
      "diff", "what grew from BASE to NEW, per function and per stack (go tool pprof -base)");
  cmd->add_option("BASE", args->base, "the earlier profile")->required();
  cmd->add_option("NEW", args->current, "the later profile")->required();
  add_sample_options(*cmd, args->sample_index, args->options.node_fraction);
  cmd->add_option("-n,--functions", args->options.functions, "functions listed (0: all)")
      ->capture_default_str();
  cmd->add_option("--stacks", args->options.stacks, "stacks listed (0: all)")
      ->capture_default_str();
  cmd->add_flag("--json", args->json, "machine-readable output");
  cmd->callback([args] {
    auto base = load_profile(args->base);
    auto current = load_profile(args->current);
    profiles::DiffOptions o = args->options;
    o.sample_index = sample_index(current, args->sample_index, args->current);
    profiles::DiffResult result;
    try {
      result = profiles::diff(base, current, o);
    } catch (const std::invalid_argument& e) {
      throw InputError(args->current, std::nullopt,
                       std::string("cannot compare with ") + args->base + ": " + e.what());
    }
    if (args->json)
      fmt::print("{}\n", report::profile_diff_json(result).dump(2));
    else
      fmt::print("{}", report::profile_diff_text(result));
  });
}

}  // namespace leakseek::cli
