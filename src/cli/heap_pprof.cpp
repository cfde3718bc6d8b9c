#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/heap_common.h"
#include "format/pprof_writer.h"
#include "heap/dominators.h"
#include "heap/retention_profile.h"
#include "heap/root_groups.h"
#include "report/retention_pprof.h"

namespace leakseek::cli {

void add_heap_pprof(CLI::App& heap) {
  auto args = std::make_shared<HeapArgs>();
  auto output = std::make_shared<std::string>();
  auto options = std::make_shared<heap::RetentionProfileOptions>();
  auto raw = std::make_shared<bool>(false);
  auto* cmd = heap.add_subcommand(
      "pprof", "retention as a pprof profile: stacks are root -> dominator chain");
  add_heap_args(*cmd, *args);
  cmd->add_option("-o,--output", *output, "the profile to write (FILE.pb.gz)")->required();
  cmd->add_option("--own-frame-share", options->own_frame_share,
                  "objects retaining at least this share of live bytes get a frame of their own")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--max-depth", options->max_depth, "dominator chain frames kept per stack")
      ->check(CLI::Range(2u, 100000u))
      ->capture_default_str();
  cmd->add_flag("--raw", *raw, "write uncompressed protobuf instead of gzip");
  cmd->callback([=] {
    auto h = load_heap(*args);
    heap::HeapRetention r(h.model, h.symbols ? &*h.symbols : nullptr);
    auto stacks = heap::retention_profile(r.graph, r.tree, h.types(), *options);
    auto profile =
        report::retention_pprof(h.context(), r.groups, stacks, "leakseek heap pprof " + args->dump);
    write_output(*output, format::write_pprof(profile, !*raw));
    if (args->json) {
      fmt::print("{}\n", nlohmann::json{{"output", *output},
                                        {"samples", profile.samples().size()},
                                        {"frames", stacks.frames.size()},
                                        {"live_objects", stacks.live_objects},
                                        {"live_bytes", stacks.live_bytes}}
                             .dump(2));
    }
  });
}

}  // namespace leakseek::cli
