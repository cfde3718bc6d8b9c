// `leakseek goroutines FILE [--base OLD]`: groups, leak suspects and the finalizer goroutine of
// a goroutine dump in any form, or what changed since a baseline dump.
#include <fmt/format.h>

#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/fail_on.h"
#include "cli/usage_error.h"
#include "format/goroutine_dump_reader.h"
#include "goroutines/goroutine_diff.h"
#include "goroutines/goroutine_groups.h"
#include "goroutines/goroutine_report.h"
#include "report/goroutine_json.h"
#include "report/goroutine_text.h"

namespace leakseek::cli {

namespace {

struct GoroutinesArgs {
  std::string dump;
  std::string base;
  bool json = false;
  std::string group_by = "stack";
  bool all = false;
  uint64_t min_count = 2;
  std::string fail_on;
};

goroutines::GroupBy parse_group_by(const std::string& s) {
  if (s == "stack") return goroutines::GroupBy::stack;
  if (s == "top") return goroutines::GroupBy::top;
  if (s == "creator") return goroutines::GroupBy::creator;
  throw UsageError("--group-by must be stack, top or creator, not \"" + s + "\"");
}

void run_diff(const GoroutinesArgs& a) {
  if (a.fail_on == "finalizer-stall")
    throw UsageError("--fail-on finalizer-stall does not apply to --base (diff); use leak");
  auto now = format::read_goroutine_dump_file(a.dump);
  auto base = format::read_goroutine_dump_file(a.base);
  auto diff = goroutines::diff_goroutines(now, base);
  if (a.json)
    fmt::print("{}\n", report::goroutine_diff_json(diff).dump(2));
  else
    fmt::print("{}", report::goroutine_diff_text(diff));
  if (a.fail_on == "leak") {
    for (const auto& c : diff.changes)
      if (c.delta > 0 && !goroutines::blocking_kind(c.state).empty() && c.count >= a.min_count)
        throw FailOnFound("--fail-on leak: parked goroutines grew (" + std::string(c.top_function) +
                          ")");
  }
}

void run(const GoroutinesArgs& a) {
  auto by = parse_group_by(a.group_by);
  if (!a.fail_on.empty() && a.fail_on != "leak" && a.fail_on != "finalizer-stall")
    throw UsageError("--fail-on must be leak or finalizer-stall, not \"" + a.fail_on + "\"");
  if (!a.base.empty()) {
    run_diff(a);
    return;
  }
  auto dump = format::read_goroutine_dump_file(a.dump);
  const auto r =
      goroutines::goroutine_report(dump, {.groups = {.by = by, .include_runtime_owned = a.all},
                                          .suspects = {.min_count = a.min_count}});
  const auto& suspects = r.suspects;
  const auto& finalizer = r.finalizer;
  if (a.json)
    fmt::print("{}\n", report::goroutine_report_json(r).dump(2));
  else
    fmt::print("{}", report::goroutine_report_text(r));
  if (a.fail_on == "leak" && !suspects.empty())
    throw FailOnFound(fmt::format("--fail-on leak: {} leak suspect group(s), largest {} x {}",
                                  suspects.size(), suspects[0].group->count,
                                  suspects[0].group->top_function));
  if (a.fail_on == "finalizer-stall" && finalizer && finalizer->blocked)
    throw FailOnFound(
        fmt::format("--fail-on finalizer-stall: the finalizer goroutine is blocked in {}",
                    finalizer->function));
}

}  // namespace

void add_goroutines_command(CLI::App& app) {
  auto a = std::make_shared<GoroutinesArgs>();
  auto* cmd = app.add_subcommand(
      "goroutines",
      "group a goroutine dump (pprof debug=0/1/2, panic, SIGQUIT), find leak suspects and a "
      "stalled finalizer goroutine, or diff against a baseline");
  cmd->add_option("FILE", a->dump, "goroutine dump")->required();
  cmd->add_option("--base", a->base, "baseline dump: show which stacks grew since it");
  cmd->add_flag("--json", a->json, "machine-readable output");
  cmd->add_option("--group-by", a->group_by, "stack (default), top (top frame) or creator")
      ->capture_default_str();
  cmd->add_flag("--all", a->all, "show runtime-owned and standard-library goroutines too");
  cmd->add_option("--min-count", a->min_count,
                  "smallest group of parked goroutines that is a leak suspect")
      ->capture_default_str();
  cmd->add_option("--fail-on", a->fail_on,
                  "exit 1 after printing when there is a leak suspect (leak) or a blocked "
                  "finalizer goroutine (finalizer-stall)");
  cmd->callback([a] { run(*a); });
}

}  // namespace leakseek::cli
