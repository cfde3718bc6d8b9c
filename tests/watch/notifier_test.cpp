#include "watch/notifier.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "support/local_http_server.h"

namespace leakseek::watch {
namespace {

using namespace std::chrono_literals;
using test::LocalHttpServer;

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kStart = int64_t{1'795'802'400} * kSecond;  // 2026-11-27T18:00:00Z

Alert firing_alert(int64_t id = 1) {
  Alert a;
  a.id = id;
  a.finding.key = "api/site_growth/main.leak" + std::to_string(id);
  a.finding.target = "api";
  a.finding.kind = AlertKind::site_growth;
  a.finding.site = "main.leak";
  a.finding.summary = "main.leak grows";
  a.finding.numbers = {{"slope_per_hour", 2e6}, {"r2", 0.97}};
  a.finding.stack = {"main.leak", "main.main"};
  a.finding.snapshot_ids = {1, 2};
  a.started_nanos = kStart;
  a.updated_nanos = kStart + 60 * kSecond;
  return a;
}

Alert resolved_alert(int64_t id = 1) {
  Alert a = firing_alert(id);
  a.state = AlertState::resolved;
  a.resolved_nanos = kStart + 300 * kSecond;
  return a;
}

NotifierOptions fast_options() {
  NotifierOptions o;
  o.timeout = 5s;
  o.retries = 3;
  o.backoff = 20ms;
  o.max_per_minute = 0;
  o.ui_base_url = "http://127.0.0.1:9464";
  o.log = nullptr;
  return o;
}

void answer_ok(LocalHttpServer& server, const std::string& path) {
  server.handle("POST", path, [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok", "text/plain");
  });
}

nlohmann::json body_of(const test::RecordedRequest& r) {
  return nlohmann::json::parse(r.body);
}

TEST(Notifier, WebhookGetsEachStateOnce) {
  LocalHttpServer server;
  answer_ok(server, "/hook");
  server.start();
  Notifier notifier({{ReceiverKind::webhook, "hook", server.url("/hook")}}, fast_options());

  notifier.notify(firing_alert());
  notifier.notify(firing_alert());  // same state: not sent again
  ASSERT_TRUE(notifier.flush(10s));
  notifier.notify(resolved_alert());
  notifier.notify(resolved_alert());
  ASSERT_TRUE(notifier.flush(10s));

  auto reqs = server.requests("/hook");
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].header("Content-Type"), "application/json");
  auto first = body_of(reqs[0]), second = body_of(reqs[1]);
  EXPECT_EQ(first["status"], "firing");
  EXPECT_EQ(first["alert"]["id"], 1);
  EXPECT_EQ(first["alert"]["url"], "http://127.0.0.1:9464/#/alerts/1");
  EXPECT_EQ(second["status"], "resolved");
  EXPECT_EQ(second["alert"]["resolved"], "2026-11-27T18:05:00Z");
  auto c = notifier.counters();
  EXPECT_EQ(c.sent, 2u);
  EXPECT_EQ(c.failed, 0u);
  EXPECT_EQ(c.retried, 0u);
}

TEST(Notifier, SlackGetsBlocksAndFallbackText) {
  LocalHttpServer server;
  answer_ok(server, "/services/T/B/X");
  server.start();
  Notifier notifier({{ReceiverKind::slack, "chat", server.url("/services/T/B/X")}}, fast_options());
  notifier.notify(firing_alert());
  ASSERT_TRUE(notifier.flush(10s));
  auto reqs = server.requests("/services/T/B/X");
  ASSERT_EQ(reqs.size(), 1u);
  auto msg = body_of(reqs[0]);
  EXPECT_NE(msg["text"].get<std::string>().find("main.leak grows"), std::string::npos);
  ASSERT_TRUE(msg["blocks"].is_array());
  EXPECT_EQ(msg["blocks"][0]["type"], "header");
  EXPECT_NE(msg["blocks"].dump().find("```"), std::string::npos);
}

TEST(Notifier, AlertmanagerIsResentWhileFiringAndGetsEndsAtOnResolve) {
  LocalHttpServer server;
  answer_ok(server, "/api/v2/alerts");
  server.start();
  NotifierOptions o = fast_options();
  o.resend_interval = 200ms;
  Notifier notifier({{ReceiverKind::alertmanager, "am", server.url()}}, o);

  notifier.notify(firing_alert(7));
  ASSERT_TRUE(server.wait_for_requests(3, 20s, "/api/v2/alerts"));
  for (const auto& r : server.requests("/api/v2/alerts")) {
    auto alerts = body_of(r);
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_EQ(alerts[0]["labels"]["alertname"], "GoMemoryLeak");
    EXPECT_EQ(alerts[0]["labels"]["leakseek_key"], "api/site_growth/main.leak7");
    EXPECT_EQ(alerts[0]["startsAt"], "2026-11-27T18:00:00Z");
    // Firing: endsAt ahead of now, so Alertmanager keeps it while the resends come.
    ASSERT_TRUE(alerts[0].contains("endsAt"));
    EXPECT_GT(alerts[0]["endsAt"].get<std::string>(), "2026-");
  }

  notifier.notify(resolved_alert(7));
  ASSERT_TRUE(notifier.flush(10s));
  auto reqs = server.requests("/api/v2/alerts");
  auto last = body_of(reqs.back());
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0]["endsAt"], "2026-11-27T18:05:00Z");
  // Resolved alerts are forgotten: no resend follows.
  size_t after_resolve = reqs.size();
  std::this_thread::sleep_for(700ms);
  EXPECT_EQ(server.requests("/api/v2/alerts").size(), after_resolve);
}

TEST(Notifier, AlertmanagerGetsQueuedChangesAsOneArray) {
  LocalHttpServer server;
  answer_ok(server, "/api/v2/alerts");
  server.start();
  NotifierOptions o = fast_options();
  o.max_per_minute = 60;  // the first post goes at once, the rest wait about a second
  o.rate_burst = 1;
  Notifier notifier({{ReceiverKind::alertmanager, "am", server.url() + "/"}}, o);
  for (int64_t id = 1; id <= 4; id++) notifier.notify(firing_alert(id));
  ASSERT_TRUE(notifier.flush(20s));
  auto reqs = server.requests("/api/v2/alerts");
  ASSERT_GE(reqs.size(), 1u);
  ASSERT_LE(reqs.size(), 2u);
  std::vector<std::string> keys;
  for (const auto& r : reqs)
    for (const auto& a : body_of(r)) keys.push_back(a["labels"]["leakseek_key"]);
  ASSERT_EQ(keys.size(), 4u);
  for (int64_t id = 1; id <= 4; id++)
    EXPECT_EQ(keys[id - 1], "api/site_growth/main.leak" + std::to_string(id));
}

TEST(Notifier, FailedPostsAreRetriedAndCounted) {
  std::atomic<int> calls{0};
  LocalHttpServer server;
  server.handle("POST", "/flaky", [&](const httplib::Request&, httplib::Response& res) {
    if (calls++ < 2) {
      res.status = 500;
      return;
    }
    res.set_content("ok", "text/plain");
  });
  server.handle("POST", "/broken",
                [](const httplib::Request&, httplib::Response& res) { res.status = 503; });
  server.start();
  NotifierOptions o = fast_options();
  o.retries = 2;
  {
    Notifier notifier({{ReceiverKind::webhook, "flaky", server.url("/flaky")}}, o);
    notifier.notify(firing_alert());
    ASSERT_TRUE(notifier.flush(20s));
    auto c = notifier.counters();
    EXPECT_EQ(c.sent, 1u);
    EXPECT_EQ(c.retried, 2u);
    EXPECT_EQ(c.failed, 0u);
    EXPECT_EQ(server.requests("/flaky").size(), 3u);
  }
  Notifier notifier({{ReceiverKind::webhook, "broken", server.url("/broken")}}, o);
  notifier.notify(firing_alert());
  ASSERT_TRUE(notifier.flush(20s));
  auto c = notifier.counters();
  EXPECT_EQ(c.sent, 0u);
  EXPECT_EQ(c.retried, 2u);
  EXPECT_EQ(c.failed, 1u);
  EXPECT_EQ(server.requests("/broken").size(), 3u);
}

TEST(Notifier, DeadOrHangingReceiversDoNotHoldUpTheOthers) {
  LocalHttpServer server;
  answer_ok(server, "/live");
  server.handle("POST", "/hang", [&](const httplib::Request&, httplib::Response& res) {
    server.wait_unless_stopped(60s);
    res.set_content("late", "text/plain");
  });
  server.start();
  NotifierOptions o = fast_options();
  o.timeout = 5s;
  o.retries = 1;
  o.backoff = 1s;
  Notifier notifier(
      {{ReceiverKind::webhook, "hang", server.url("/hang")},
       {ReceiverKind::webhook, "dead", "http://127.0.0.1:" + std::to_string(test::closed_port())},
       {ReceiverKind::webhook, "live", server.url("/live")}},
      o);
  notifier.notify(firing_alert());
  ASSERT_TRUE(server.wait_for_requests(1, 20s, "/live"));
  ASSERT_TRUE(server.wait_for_requests(1, 20s, "/hang"));
  // Delivered to the live receiver while the hanging one still waits for its answer.
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (notifier.counters().sent < 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  EXPECT_EQ(notifier.counters().sent, 1u);
  EXPECT_FALSE(notifier.flush(0ms));
  server.stop();  // releases the hanging handler before the notifier's bounded final flush
}

TEST(Notifier, RateLimitSpacesPostsWithoutDroppingThem) {
  LocalHttpServer server;
  answer_ok(server, "/hook");
  server.start();
  NotifierOptions o = fast_options();
  o.max_per_minute = 600;  // one every 100 ms
  o.rate_burst = 1;
  Notifier notifier({{ReceiverKind::webhook, "hook", server.url("/hook")}}, o);
  for (int64_t id = 1; id <= 4; id++) notifier.notify(firing_alert(id));
  ASSERT_TRUE(notifier.flush(20s));
  auto reqs = server.requests("/hook");
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_GE(reqs.back().received - reqs.front().received, 250ms);
  for (int64_t i = 0; i < 4; i++) EXPECT_EQ(body_of(reqs[i])["alert"]["id"], i + 1);
  EXPECT_EQ(notifier.counters().sent, 4u);
}

TEST(Notifier, StdoutReceiverWritesOneLinePerChange) {
  FILE* log = std::tmpfile();
  ASSERT_NE(log, nullptr);
  {
    NotifierOptions o = fast_options();
    o.log = log;
    Notifier notifier({{ReceiverKind::stdout_log, "log", ""}}, o);
    notifier.notify(firing_alert());
    notifier.notify(firing_alert());
    notifier.notify(resolved_alert());
    ASSERT_TRUE(notifier.flush(10s));
    EXPECT_EQ(notifier.counters().sent, 2u);
  }
  std::rewind(log);
  std::string text;
  char buf[512];
  while (std::fgets(buf, sizeof buf, log)) text += buf;
  std::fclose(log);
  EXPECT_EQ(text,
            "2026-11-27T18:01:00Z FIRING site_growth id=1 target=api site=main.leak "
            "severity=warning summary=\"main.leak grows\" r2=0.97 slope_per_hour=2000000\n"
            "2026-11-27T18:05:00Z RESOLVED site_growth id=1 target=api site=main.leak "
            "severity=warning summary=\"main.leak grows\" r2=0.97 slope_per_hour=2000000\n");
}

TEST(Notifier, ReceiverWithoutUrlIsRejected) {
  EXPECT_THROW(Notifier({{ReceiverKind::webhook, "hook", ""}}, fast_options()),
               std::invalid_argument);
}

}  // namespace
}  // namespace leakseek::watch
