#pragma once
// What the `leakseek profile` subcommands share: registering them, loading a profile and choosing
// its sample type, with errors that name the file.
#include <CLI/CLI.hpp>
#include <string>

#include "profiles/profile.h"

namespace leakseek::cli {

void add_profile_top(CLI::App& profile);
void add_profile_diff(CLI::App& profile);
void add_profile_trend(CLI::App& profile);

// Throws InputError naming the file.
profiles::Profile load_profile(const std::string& path);

// pprof's -sample_index: a type name, a position, or "" for the default. Throws InputError naming
// the file when the profile has no such type.
size_t sample_index(const profiles::Profile& profile, const std::string& wanted,
                    const std::string& path);

// Adds --sample-index and --node-fraction, as top and diff take them.
void add_sample_options(CLI::App& cmd, std::string& sample_index, double& node_fraction);

}  // namespace leakseek::cli
