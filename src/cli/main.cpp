// leakseek: finds and explains memory leaks in Go programs.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <new>

#include "cli/commands.h"
#include "cli/fail_on.h"
#include "cli/usage_error.h"
#include "util/input_error.h"

int main(int argc, char** argv) {
  CLI::App app{"leakseek: finds and explains memory leaks in Go programs"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "leakseek 0.1.0");
  auto* heap = app.add_subcommand("heap", "inspect a heap dump (runtime/debug.WriteHeapDump)");
  heap->require_subcommand(1);
  leakseek::cli::add_heap_summary(*heap);
  leakseek::cli::add_heap_top(*heap);
  leakseek::cli::add_heap_pprof(*heap);
  leakseek::cli::add_heap_types(*heap);
  leakseek::cli::add_heap_print(*heap);
  leakseek::cli::add_heap_show(*heap);
  leakseek::cli::add_heap_owners(*heap);
  leakseek::cli::add_heap_why(*heap);
  leakseek::cli::add_heap_graph(*heap);
  leakseek::cli::add_heap_find(*heap);
  leakseek::cli::add_profile_commands(app);
  leakseek::cli::add_goroutines_command(app);
  leakseek::cli::add_watch_command(app);
  leakseek::cli::add_demo_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  } catch (const leakseek::cli::FailOnFound& e) {
    std::fflush(stdout);
    fmt::print(stderr, "leakseek: {}\n", e.what());
    return 1;
  } catch (const leakseek::InputError& e) {
    std::fflush(stdout);
    fmt::print(stderr, "leakseek: {}\n", e.describe());
    return 2;
  } catch (const leakseek::cli::UsageError& e) {
    fmt::print(stderr, "leakseek: {}\n", e.what());
    return 2;
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "leakseek: out of memory\n");
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "leakseek: {}\n", e.what());
    return 2;
  }
  return 0;
}
