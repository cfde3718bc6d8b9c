#include "cli/commands.h"

namespace leakseek::cli {

void add_profile_commands(CLI::App& app) { (void)app; }

}  // namespace leakseek::cli
