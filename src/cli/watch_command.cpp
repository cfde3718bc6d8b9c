// `leakseek watch`: the daemon from the command line. Flags override the config file.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>

#include "cli/commands.h"
#include "cli/usage_error.h"
#include "cli/watch_runner.h"

namespace leakseek::cli {

namespace {

struct WatchFlags {
  std::vector<std::string> urls;
  std::string config_file;
  std::string interval, window, data_dir, listen, token, duration;
  int goroutine_debug = 0;
  bool no_metrics = false;
  bool no_goroutine_leak = false;
  std::vector<std::string> webhooks, slack, alertmanager;
};

int64_t duration_flag(const std::string& text, const char* flag) {
  try {
    return watch::parse_duration_nanos(text);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string(flag) + ": " + e.what());
  }
}

watch::WatchConfig config_from(const WatchFlags& f) {
  watch::WatchConfig c;
  if (!f.config_file.empty()) watch::load_watch_config(f.config_file, c);
  for (const auto& url : f.urls) c.targets.push_back({"", url, {}});
  if (!f.interval.empty()) c.interval_nanos = duration_flag(f.interval, "--interval");
  if (!f.window.empty()) c.window_nanos = duration_flag(f.window, "--window");
  if (!f.data_dir.empty()) c.data_dir = f.data_dir;
  if (!f.listen.empty()) c.listen = f.listen;
  if (!f.token.empty()) c.token = f.token;
  if (c.token.empty())
    if (const char* env = std::getenv("LEAKSEEK_TOKEN")) c.token = env;
  if (f.goroutine_debug == 2) c.goroutine_path = "/debug/pprof/goroutine?debug=2";
  if (f.no_metrics) c.metrics_path.clear();
  if (f.no_goroutine_leak) c.goroutine_leak_path.clear();
  for (const auto& u : f.webhooks)
    c.receivers.push_back({watch::ReceiverKind::webhook, "webhook", u});
  for (const auto& u : f.slack) c.receivers.push_back({watch::ReceiverKind::slack, "slack", u});
  for (const auto& u : f.alertmanager)
    c.receivers.push_back({watch::ReceiverKind::alertmanager, "alertmanager", u});
  // Alerts always reach the terminal that runs the daemon unless a config chose receivers.
  if (c.receivers.empty()) c.receivers.push_back({watch::ReceiverKind::stdout_log, "stdout", ""});
  return c;
}

}  // namespace

void add_watch_command(CLI::App& app) {
  auto flags = std::make_shared<WatchFlags>();
  auto* cmd = app.add_subcommand(
      "watch",
      "scrape Go services' pprof endpoints on a schedule, detect leaks, alert and serve a UI");
  cmd->add_option("targets", flags->urls, "base URLs of Go services serving net/http/pprof");
  cmd->add_option("--config", flags->config_file, "YAML config (see examples/watch.yaml)");
  cmd->add_option("--interval", flags->interval, "time between scrapes of a target [15s]");
  cmd->add_option("--window", flags->window, "trend window [30m]");
  cmd->add_option("--data-dir", flags->data_dir, "where the SQLite store lives [leakseek-data]");
  cmd->add_option("--listen", flags->listen, "UI, API and /metrics address [127.0.0.1:9464]");
  cmd->add_option(
      "--token", flags->token,
      "bearer token for the API and /metrics; required off loopback (or LEAKSEEK_TOKEN)");
  cmd->add_option("--goroutine-debug", flags->goroutine_debug,
                  "goroutine dump form to scrape: 1 (counts per stack) or 2 (per goroutine, with "
                  "wait times)")
      ->check(CLI::IsMember({1, 2}));
  cmd->add_flag("--no-metrics", flags->no_metrics, "do not scrape /metrics");
  cmd->add_flag("--no-goroutine-leak", flags->no_goroutine_leak,
                "do not scrape /debug/pprof/goroutineleak (Go 1.27; each costs the target a GC)");
  cmd->add_option("--webhook", flags->webhooks, "POST alerts as JSON to this URL");
  cmd->add_option("--slack", flags->slack, "Slack incoming webhook URL");
  cmd->add_option("--alertmanager", flags->alertmanager, "Alertmanager base URL");
  cmd->add_option("--duration", flags->duration,
                  "stop after this long (default: run until SIGINT/SIGTERM)");
  cmd->callback([flags] {
    WatchRun run;
    run.config = config_from(*flags);
    if (!flags->duration.empty()) run.duration_nanos = duration_flag(flags->duration, "--duration");
    run.on_listening = [](const std::string& url) {
      fmt::print("leakseek watch: UI at {}\n", url);
      std::fflush(stdout);
    };
    run_watch(std::move(run));
  });
}

}  // namespace leakseek::cli
