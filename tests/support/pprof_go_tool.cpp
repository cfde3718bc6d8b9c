#include "support/pprof_go_tool.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "support/fixtures.h"

namespace leakseek::test {

namespace {

// The newest supported Go's pprof is the reference: the one people read profiles with today.
// (Go 1.19's drops all-zero samples when it loads a profile, so its -raw lists fewer samples
// than the file holds; Go 1.23's and later keep them.)
std::string reference_go() {
  return go_tool(go_versions().back());
}

std::string slurp(int fd) {
  std::string s;
  char buf[65536];
  lseek(fd, 0, SEEK_SET);
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) s.append(buf, static_cast<size_t>(n));
  return s;
}

}  // namespace

std::string go_pprof(const std::vector<std::string>& args) {
  const std::string go = reference_go();
  char out_tmpl[] = "/tmp/leakseek-pprof-out-XXXXXX";
  char err_tmpl[] = "/tmp/leakseek-pprof-err-XXXXXX";
  int out_fd = mkstemp(out_tmpl), err_fd = mkstemp(err_tmpl);
  if (out_fd < 0 || err_fd < 0) throw std::runtime_error("mkstemp failed");
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    // Never fetch a toolchain, and keep pprof's state files out of the user's home.
    setenv("GOTOOLCHAIN", "local", 1);
    setenv("GOFLAGS", "", 1);
    setenv("PPROF_TMPDIR", "/tmp", 1);
    if (!std::getenv("HOME")) setenv("HOME", "/tmp", 1);
    std::vector<char*> argv{const_cast<char*>(go.c_str()), const_cast<char*>("tool"),
                            const_cast<char*>("pprof")};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(go.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  std::string out = slurp(out_fd), err = slurp(err_fd);
  close(out_fd);
  close(err_fd);
  unlink(out_tmpl);
  unlink(err_tmpl);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("go tool pprof failed: " + err);
  return out;
}

GoPprofRaw go_pprof_raw(const std::string& file) {
  GoPprofRaw r;
  r.text = go_pprof({"-raw", file});
  std::istringstream in(r.text);
  std::string line;
  while (std::getline(in, line) && line != "Samples:") {
  }
  if (!std::getline(in, line)) throw std::runtime_error("no sample types in -raw output");
  std::istringstream types(line);
  for (std::string t; types >> t;) {
    constexpr std::string_view kDefault = "[dflt]";
    if (t.ends_with(kDefault)) {
      t.resize(t.size() - kDefault.size());
      r.marked_default = r.sample_types.size();
    }
    r.sample_types.push_back(t);
  }
  r.totals.assign(r.sample_types.size(), 0);
  // Sample lines are "V1 V2 ...: LOC LOC ..."; label lines ("key:[value]") do not start with
  // numbers only.
  static const std::regex kSample(R"(^\s*(-?\d+(\s+-?\d+)*):.*$)");
  while (std::getline(in, line) && line.rfind("Locations", 0) != 0) {
    std::smatch m;
    if (!std::regex_match(line, m, kSample)) continue;
    std::istringstream values(m[1].str());
    int64_t v;
    for (size_t i = 0; values >> v; i++) {
      if (i >= r.totals.size()) throw std::runtime_error("too many values: " + line);
      r.totals[i] += v;
    }
    r.sample_count++;
  }
  return r;
}

int64_t go_pprof_top_total(const std::string& file, const std::string& sample_index) {
  std::vector<std::string> args{"-top", "-unit=B"};
  if (!sample_index.empty()) args.push_back("-sample_index=" + sample_index);
  args.push_back(file);
  std::string out = go_pprof(args);
  static const std::regex kTotal(R"(of (-?\d+)[A-Za-z]* total)");
  std::smatch m;
  if (!std::regex_search(out, m, kTotal))
    throw std::runtime_error("no total in -top output:\n" + out);
  return std::stoll(m[1].str());
}

}  // namespace leakseek::test
