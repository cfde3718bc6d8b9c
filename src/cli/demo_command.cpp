// `leakseek demo`: builds the bundled leaky service (examples/leakyservice), starts it on
// loopback and watches it with a short interval, printing each alert with its evidence.
#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "cli/commands.h"
#include "cli/usage_error.h"
#include "cli/watch_runner.h"
#include "watch/render/alert_text.h"

namespace leakseek::cli {

namespace {

namespace fs = std::filesystem;

// The examples folder next to the build tree the binary runs from, or under the current
// directory.
fs::path find_example(const std::string& given) {
  if (!given.empty()) return given;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  for (fs::path dir = self.parent_path(); !ec && !dir.empty() && dir != dir.root_path();
       dir = dir.parent_path())
    if (fs::exists(dir / "examples/leakyservice/main.go")) return dir / "examples/leakyservice";
  if (fs::exists("examples/leakyservice/main.go")) return fs::absolute("examples/leakyservice");
  throw UsageError("cannot find examples/leakyservice; pass --source DIR");
}

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The newest supported Go, whose goroutine leak profile (1.27) the demo then shows too: the
// repository's scripts/go_toolchain finds or fetches it. Without the repository, the first Go
// found on the machine.
std::string find_go(const fs::path& example) {
  if (const char* go = std::getenv("GO")) return go;
  const fs::path script = example.parent_path().parent_path() / "scripts/go_toolchain";
  if (fs::exists(script)) {
    std::string path;
    if (std::FILE* p = popen((quoted(script.string()) + " go1.27 2>/dev/null").c_str(), "r")) {
      char buf[4096];
      while (std::fgets(buf, sizeof buf, p)) path += buf;
      if (pclose(p) != 0) path.clear();
    }
    while (!path.empty() && path.back() == '\n') path.pop_back();
    if (!path.empty()) return path;
  }
  for (const char* go : {"/usr/local/go/bin/go", "/usr/lib/go-1.23/bin/go",
                         "/usr/lib/go-1.19/bin/go", "/usr/bin/go"})
    if (fs::exists(go)) return go;
  throw UsageError("no Go toolchain found: run scripts/setup or set GO");
}

// The service runs with its stdin on a pipe we hold: when leakseek exits, however it exits, the
// pipe closes and the service stops itself.
class Service {
 public:
  Service(const std::string& binary, const std::vector<std::string>& args) {
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      close(in[1]);
      close(out[0]);
      std::vector<char*> argv{const_cast<char*>(binary.c_str())};
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(binary.c_str(), argv.data());
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    stdin_ = in[1];
    fcntl(stdin_, F_SETFD, FD_CLOEXEC);
    stdout_ = fdopen(out[0], "r");
  }
  ~Service() {
    close(stdin_);
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    if (stdout_) fclose(stdout_);
  }
  // The first line the service prints: "listening on http://127.0.0.1:PORT".
  std::string url() {
    char line[512];
    if (!fgets(line, sizeof line, stdout_))
      throw std::runtime_error("the demo service exited before it listened");
    std::string s(line);
    const auto at = s.find("http://");
    if (at == std::string::npos)
      throw std::runtime_error("unexpected first line from the service: " + s);
    s = s.substr(at);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
  }

 private:
  pid_t pid_ = -1;
  int stdin_ = -1;
  FILE* stdout_ = nullptr;
};

void print_alert(const watch::Alert& a) {
  fmt::print("\n{}", watch::render::alert_text(a));
  std::fflush(stdout);
}

}  // namespace

void add_demo_command(CLI::App& app) {
  struct Flags {
    std::string source, dir = "/tmp/leakseek-demo", interval = "2s", window = "1m",
                        listen = "127.0.0.1:9464", duration;
  };
  auto flags = std::make_shared<Flags>();
  auto* cmd = app.add_subcommand(
      "demo",
      "build and start the bundled leaky Go service and watch it: alerts print as they fire");
  cmd->add_option("--source", flags->source,
                  "the leaky service's source folder [examples/leakyservice]");
  cmd->add_option("--dir", flags->dir,
                  "work folder for the build and the store [/tmp/leakseek-demo]");
  cmd->add_option("--interval", flags->interval, "scrape interval [2s]");
  cmd->add_option("--window", flags->window, "trend window [1m]");
  cmd->add_option("--listen", flags->listen, "UI address [127.0.0.1:9464; a free port if taken]");
  cmd->add_option("--duration", flags->duration, "stop after this long (default: until Ctrl-C)");
  cmd->callback([flags] {
    const fs::path dir = flags->dir;
    fs::create_directories(dir);
    const fs::path source = find_example(flags->source);
    const fs::path binary = dir / "leakyservice";
    const std::string build = fmt::format(
        "cd {} && GO111MODULE=off GOFLAGS= GOTOOLCHAIN=local CGO_ENABLED=0 GOCACHE={} {} build -o "
        "{} .",
        quoted(source.string()), quoted((dir / ".gocache").string()), quoted(find_go(source)),
        quoted(binary.string()));
    fmt::print("building {} ...\n", source.string());
    std::fflush(stdout);
    if (std::system(build.c_str()) != 0)
      throw std::runtime_error("building the demo service failed");

    Service service(binary.string(), {"-listen", "127.0.0.1:0"});
    const std::string url = service.url();
    fmt::print(
        "started the leaky service at {} (it leaks a cache, goroutines, and its finalizer "
        "blocks after 20s)\n",
        url);

    WatchRun run;
    run.config.targets.push_back({"leakyservice", url, {{"env", "demo"}}});
    run.config.interval_nanos = watch::parse_duration_nanos(flags->interval);
    run.config.window_nanos = watch::parse_duration_nanos(flags->window);
    run.config.listen = flags->listen;
    run.config.data_dir = (dir / "data").string();
    // Each demo starts from an empty store, so old runs' alerts do not show up.
    fs::remove_all(run.config.data_dir);
    if (!flags->duration.empty()) run.duration_nanos = watch::parse_duration_nanos(flags->duration);
    run.any_port_if_busy = true;
    // The service leaks hundreds of MiB an hour; over a one-minute window at 2 s scrapes, the
    // production defaults would also flag the few KiB its goroutines' stacks add.
    run.config.thresholds.site.min_slope_per_hour = 16.0 * 1024 * 1024;
    run.config.thresholds.heap.min_slope_per_hour = 16.0 * 1024 * 1024;
    for (auto* g : {&run.config.thresholds.heap, &run.config.thresholds.site,
                    &run.config.thresholds.goroutine})
      g->min_r2 = 0.9;
    run.hooks.on_alert_change = print_alert;
    run.on_listening = [](const std::string& ui) {
      fmt::print("leakseek watch: UI at {}  (Ctrl-C stops the demo)\n", ui);
      std::fflush(stdout);
    };
    run_watch(std::move(run));
  });
}

}  // namespace leakseek::cli
