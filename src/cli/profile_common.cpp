#include "cli/profile_common.h"

#include <stdexcept>

#include "format/pprof_reader.h"
#include "profiles/sample_index.h"
#include "util/input_error.h"

namespace leakseek::cli {

profiles::Profile load_profile(const std::string& path) {
  return format::read_pprof_file(path);
}

size_t sample_index(const profiles::Profile& profile, const std::string& wanted,
                    const std::string& path) {
  try {
    return profiles::resolve_sample_index(profile, wanted);
  } catch (const std::invalid_argument& e) {
    throw InputError(path, std::nullopt, e.what());
  }
}

void add_sample_options(CLI::App& cmd, std::string& sample_index, double& node_fraction) {
  cmd.add_option("--sample-index", sample_index,
                 "sample type to show, by name (inuse_space, alloc_objects, ...) or position; "
                 "default: the profile's default, as pprof picks it");
  cmd.add_option("--node-fraction", node_fraction,
                 "drop functions whose |cum| is below this share of the total, as pprof's "
                 "-nodefraction (0: keep all)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
}

}  // namespace leakseek::cli
