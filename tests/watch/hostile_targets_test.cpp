// `leakseek watch`, the real binary, against targets that misbehave on purpose
// (testdata/services/hostiletarget): a gzip bomb (1 MB that inflates to 1 GiB), an endless
// chunked body, one byte a second, headers then silence, and no headers at all; beside two
// well-behaved Go services. The daemon's peak memory must stay under what its limits allow, the
// good targets must be scraped on time, and each bad one must show what went wrong.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/child_process.h"
#include "support/fixtures.h"
#include "support/go_service.h"

namespace leakseek::watch {
namespace {

using nlohmann::json;

constexpr long long kMiB = 1 << 20;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

json get_json(const std::string& base, const std::string& path) {
  httplib::Client client(base);
  client.set_read_timeout(10, 0);
  auto res = client.Get(path);
  if (!res || res->status != 200) return json();
  return json::parse(res->body, nullptr, false);
}

TEST(HostileTargets, TheDaemonStaysBoundedAndScrapesTheGoodOnesOnTime) {
  test::TempDir dir("leakseek-hostile");
  // One Go version is enough: what is under test is the daemon; the good targets are real Go.
  const auto prog = test::build_go_service("go1.26", "hostiletarget", dir.path());
  ASSERT_FALSE(prog.empty()) << "cannot build testdata/services/hostiletarget";
  test::ChildProcess hostile({prog}, dir.path() + "/hostile");
  const auto base = hostile.wait_for_line("listening on ", std::chrono::seconds(30));
  ASSERT_TRUE(base) << hostile.stderr_tail();
  // The bomb is compressed in the background; wait until it is served.
  long long bomb_bytes = 0;
  for (int i = 0; i < 200 && bomb_bytes == 0; i++) {
    const auto stats = get_json(*base, "/debug/hostile/stats");
    if (stats.is_object()) bomb_bytes = stats.value("bomb_compressed_bytes", 0LL);
    if (bomb_bytes == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_GT(bomb_bytes, 0);

  const std::vector<std::string> modes{"bomb",   "endless", "slow", "stall",
                                       "silent", "good",    "good"};
  const std::string config = dir.path() + "/watch.yaml";
  {
    std::ofstream y(config);
    y << "interval: 1s\nwindow: 30s\ndata_dir: " << dir.path() << "/data\n"
      << "listen: 127.0.0.1:0\n"
      << "scrape:\n  timeout: 3s\n  max_body: 32MiB\n  max_in_flight: 64MiB\n"
      << "  max_inflated: 128MiB\n  max_inflate_ratio: 64\n"
      << "targets:\n";
    for (size_t i = 0; i < modes.size(); i++)
      y << "  - {name: " << modes[i] << i << ", url: " << *base << "/" << modes[i] << "}\n";
  }
  // An AddressSanitizer build (scripts/test runs one) holds freed memory in a quarantine,
  // 256 MiB by default: kept small here, and its shadow and runtime allowed for below.
  if (kAddressSanitizer) {
    const char* asan = std::getenv("ASAN_OPTIONS");
    const std::string options = std::string(asan ? asan : "") + ":quarantine_size_mb=16";
    setenv("ASAN_OPTIONS", options.c_str(), 1);
  }
  test::ChildProcess daemon({test::leakseek_binary(), "watch", "--config", config},
                            dir.path() + "/watch");
  const auto ui = daemon.wait_for_line("leakseek watch: UI at ", std::chrono::seconds(30));
  ASSERT_TRUE(ui) << daemon.stderr_tail();
  const std::string api = ui->substr(0, ui->size() - 1);  // no trailing slash

  constexpr int kSeconds = 15;
  std::this_thread::sleep_for(std::chrono::seconds(kSeconds));
  const long long peak = test::peak_rss_bytes(daemon.pid());
  const json answer = get_json(api, "/api/targets");
  ASSERT_TRUE(answer.is_object() && answer["targets"].is_array()) << daemon.stderr_tail();
  const json& targets = answer["targets"];

  // What the limits allow: the in-flight budget while fetching (64 MiB), one body inflating at
  // a time (the bomb's 1 MB at 64x, 64 MiB), and the daemon itself. Inflating the bomb whole
  // would take 1 GiB.
  ASSERT_GT(peak, 0);
  const long long bound = 64 * kMiB + 64 * kMiB + 64 * kMiB + (kAddressSanitizer ? 256 * kMiB : 0);
  EXPECT_LT(peak, bound) << "peak RSS " << peak / kMiB << " MiB";

  std::map<std::string, json> by_name;
  for (const auto& t : targets) by_name[t["name"].get<std::string>()] = t;
  ASSERT_EQ(by_name.size(), modes.size());
  auto error_of = [&](const std::string& name) {
    return by_name[name].value("last_error", std::string());
  };
  for (const char* good : {"good5", "good6"}) {
    const auto& t = by_name[good];
    EXPECT_EQ(t["health"], "up") << good << ": " << error_of(good);
    EXPECT_EQ(t["scrape_errors"], 0) << good << ": " << error_of(good);
    // One round a second, the first within the first second: on time despite the others.
    EXPECT_GE(t["scrapes"].get<int>(), kSeconds - 3) << good;
    // Go 1.26 serves no goroutine leak profile, and the service no /metrics: not served.
    EXPECT_EQ(t["absent_endpoints"], json::array({"metrics", "goroutine_leak"})) << good;
  }
  EXPECT_EQ(by_name["bomb0"]["health"], "down");
  // Inflated no further than 64 times what was served.
  EXPECT_NE(error_of("bomb0").find("decompressed profile is larger than the limit of " +
                                   std::to_string(64 * bomb_bytes) + " bytes"),
            std::string::npos)
      << error_of("bomb0");
  std::printf("daemon peak RSS %lld MiB\n", peak / kMiB);
  EXPECT_EQ(by_name["endless1"]["health"], "down");
  const std::string endless = error_of("endless1");
  EXPECT_TRUE(endless.find("response larger than 33554432 bytes") != std::string::npos ||
              endless.find("in-flight budget of 67108864 bytes exhausted") != std::string::npos)
      << endless;
  for (const char* slow : {"slow2", "stall3", "silent4"}) {
    const auto& t = by_name[slow];
    EXPECT_EQ(t["health"], "timed out") << slow << ": " << error_of(slow);
    EXPECT_NE(error_of(slow).find("timed out after 3."), std::string::npos) << error_of(slow);
    // A round ends at the timeout (3 s), so several rounds completed.
    EXPECT_GE(t["scrapes"].get<int>(), kSeconds / 3 - 2) << slow;
    EXPECT_EQ(t["scrapes"], t["scrape_errors"]) << slow;
  }
}

}  // namespace
}  // namespace leakseek::watch
