#include "support/fixtures.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace leakseek::test {

const std::vector<std::string>& go_versions() {
  static const std::vector<std::string> v = {"go1.19", "go1.23", "go1.26", "go1.27"};
  return v;
}

const std::vector<std::string>& heap_fixture_sets() {
  static const std::vector<std::string> v = [] {
    std::vector<std::string> out = go_versions();
    for (const auto& go : go_versions()) out.push_back(go + "-extlink");
    return out;
  }();
  return v;
}

std::string go_of(const std::string& set) {
  return set.substr(0, set.find('-'));
}

bool is_extlink(const std::string& set) {
  return set.ends_with("-extlink");
}

std::string go_tool(const std::string& go) {
  // scripts/go_toolchain knows where each version lives (and fetches 1.26 and 1.27 once).
  static std::map<std::string, std::string> cache;
  auto [it, added] = cache.try_emplace(go);
  if (added) {
    std::string cmd = std::string(LEAKSEEK_SOURCE_DIR) + "/scripts/go_toolchain " + go;
    std::FILE* p = popen(cmd.c_str(), "r");
    if (!p) throw std::runtime_error("cannot run " + cmd);
    char buf[4096];
    while (std::fgets(buf, sizeof buf, p)) it->second += buf;
    if (pclose(p) != 0 || it->second.empty()) throw std::runtime_error(cmd + " failed");
    while (!it->second.empty() && it->second.back() == '\n') it->second.pop_back();
  }
  return it->second;
}

std::vector<LeakProfileForm> leak_profile_forms() {
  std::vector<LeakProfileForm> out;
  for (const auto& go : go_versions())
    if (go >= "go1.27")
      for (const char* f : {"debug0", "debug1", "debug2"}) out.push_back({go, f});
  return out;
}

std::string fixture_dir() {
  const char* d = std::getenv("LEAKSEEK_FIXTURES");
  return d ? d : LEAKSEEK_FIXTURES_DEFAULT;
}

std::string fixture_path(const std::string& go, const std::string& name, const std::string& ext) {
  return fixture_dir() + "/" + go + "/" + name + (ext.empty() ? "" : "." + ext);
}

nlohmann::json fixture_facts(const std::string& go, const std::string& name) {
  std::ifstream in(fixture_path(go, name, "json"));
  if (!in) throw std::runtime_error("missing facts file " + fixture_path(go, name, "json"));
  return nlohmann::json::parse(in);
}

uint64_t hex_addr(const nlohmann::json& j) {
  return std::stoull(j.get<std::string>(), nullptr, 16);
}

namespace {
std::string slurp(int fd) {
  std::string s;
  char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) s.append(buf, static_cast<size_t>(n));
  return s;
}
}  // namespace

std::string leakseek_binary() {
  const char* bin = std::getenv("LEAKSEEK_BIN");
  return bin ? bin : LEAKSEEK_BIN_DEFAULT;
}

CommandResult run_leakseek(const std::vector<std::string>& args) {
  const std::string binary = leakseek_binary();
  const char* bin = binary.c_str();
  char out_tmpl[] = "/tmp/leakseek-out-XXXXXX";
  char err_tmpl[] = "/tmp/leakseek-err-XXXXXX";
  int out_fd = mkstemp(out_tmpl), err_fd = mkstemp(err_tmpl);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    std::vector<char*> argv{const_cast<char*>(bin)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(bin, argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  lseek(out_fd, 0, SEEK_SET);
  lseek(err_fd, 0, SEEK_SET);
  CommandResult r{WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), slurp(out_fd),
                  slurp(err_fd)};
  close(out_fd);
  close(err_fd);
  unlink(out_tmpl);
  unlink(err_tmpl);
  return r;
}

TempDir::TempDir(const std::string& prefix) {
  std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string write_temp(const std::string& bytes, const std::string& suffix) {
  std::string tmpl = "/tmp/leakseek-test-XXXXXX" + suffix;
  int fd = mkstemps(tmpl.data(), static_cast<int>(suffix.size()));
  if (fd < 0) throw std::runtime_error("mkstemps failed");
  if (write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size()))
    throw std::runtime_error("write");
  close(fd);
  return tmpl;
}

}  // namespace leakseek::test
