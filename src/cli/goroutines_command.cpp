#include "cli/commands.h"

namespace leakseek::cli {

void add_goroutines_command(CLI::App& app) { (void)app; }

}  // namespace leakseek::cli
