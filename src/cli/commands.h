#pragma once
// Each subcommand registers itself on its parent; the callback runs the command.
#include <CLI/CLI.hpp>

namespace leakseek::cli {

void add_heap_print(CLI::App& heap);
void add_heap_show(CLI::App& heap);
void add_heap_owners(CLI::App& heap);
void add_heap_why(CLI::App& heap);
void add_heap_graph(CLI::App& heap);
void add_heap_find(CLI::App& heap);
void add_heap_summary(CLI::App& heap);
void add_heap_top(CLI::App& heap);
void add_heap_pprof(CLI::App& heap);
void add_heap_types(CLI::App& heap);

// `leakseek profile top|diff|trend` (pprof profiles).
void add_profile_commands(CLI::App& app);
// `leakseek goroutines` (goroutine dumps in every form).
void add_goroutines_command(CLI::App& app);
// `leakseek watch` (the daemon) and `leakseek demo` (the daemon on the bundled leaky service).
void add_watch_command(CLI::App& app);
void add_demo_command(CLI::App& app);

}  // namespace leakseek::cli
