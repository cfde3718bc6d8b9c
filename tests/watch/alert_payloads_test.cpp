#include "watch/render/alert_payloads.h"

#include <gtest/gtest.h>

#include <string>

#include "report/units.h"

namespace leakseek::watch::render {
namespace {

using report::rfc3339_utc;
using report::rfc3339_utc_exact;
using watch::Alert;
using watch::AlertKind;
using watch::AlertState;

constexpr int64_t kSecond = 1'000'000'000;
// 2026-11-27T18:00:00Z
constexpr int64_t kStart = int64_t{1'795'802'400} * kSecond;

Alert site_alert() {
  Alert a;
  a.id = 42;
  a.finding.key = "api/site_growth/main.leak";
  a.finding.target = "api";
  a.finding.kind = AlertKind::site_growth;
  a.finding.site = "main.leak";
  a.finding.summary = "main.leak grows 1.2 MiB/h";
  a.finding.severity = "warning";
  a.finding.numbers = {{"slope_per_hour", 1234567.0}, {"r2", 0.98765}, {"points", 12}};
  a.finding.stack = {"main.leak",
                     "main.handler",
                     "net/http.HandlerFunc.ServeHTTP",
                     "net/http.serverHandler.ServeHTTP",
                     "net/http.(*conn).serve",
                     "runtime.goexit"};
  a.finding.snapshot_ids = {3, 5, 8};
  a.started_nanos = kStart;
  a.updated_nanos = kStart + 90 * kSecond;
  return a;
}

Alert resolved(Alert a) {
  a.state = AlertState::resolved;
  a.resolved_nanos = kStart + 600 * kSecond + 250'000'000;
  return a;
}

// Every "text" in the message with its Block Kit limit.
void expect_within_slack_limits(const nlohmann::json& msg) {
  for (const auto& block : msg["blocks"]) {
    std::string type = block["type"];
    auto length = [](const nlohmann::json& text) {
      std::string s = text["text"];
      size_t n = 0;
      for (unsigned char c : s) n += (c & 0xC0) != 0x80;
      return n;
    };
    if (type == "header") {
      EXPECT_LE(length(block["text"]), 150u);
    }
    if (block.contains("text")) {
      EXPECT_LE(length(block["text"]), 3000u);
    }
    if (block.contains("fields")) {
      EXPECT_LE(block["fields"].size(), 10u);
      for (const auto& field : block["fields"]) EXPECT_LE(length(field), 2000u);
    }
  }
  // Valid UTF-8 throughout: a strict dump throws on a code point cut in half.
  EXPECT_NO_THROW(msg.dump());
}

TEST(AlertPayloads, Rfc3339Utc) {
  EXPECT_EQ(rfc3339_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(rfc3339_utc(kStart), "2026-11-27T18:00:00Z");
  EXPECT_EQ(rfc3339_utc(kStart + 250'000'000), "2026-11-27T18:00:00.250Z");
  EXPECT_EQ(rfc3339_utc(kStart + 999), "2026-11-27T18:00:00Z");
  EXPECT_EQ(rfc3339_utc(-1), "1969-12-31T23:59:59.999Z");
  // The API's times are exact, so they select the same snapshot when given back.
  EXPECT_EQ(rfc3339_utc_exact(kStart + 999), "2026-11-27T18:00:00.000000999Z");
  EXPECT_EQ(rfc3339_utc_exact(kStart + 250'000'000), "2026-11-27T18:00:00.25Z");
  EXPECT_EQ(rfc3339_utc_exact(kStart), "2026-11-27T18:00:00Z");
}

TEST(AlertPayloads, WebhookCarriesTheAlertAndItsEvidence) {
  auto j = webhook_payload(site_alert(), "http://127.0.0.1:9464/");
  EXPECT_EQ(j["version"], "1");
  EXPECT_EQ(j["status"], "firing");
  const auto& a = j["alert"];
  EXPECT_EQ(a["id"], 42);
  EXPECT_EQ(a["key"], "api/site_growth/main.leak");
  EXPECT_EQ(a["target"], "api");
  EXPECT_EQ(a["kind"], "site_growth");
  EXPECT_EQ(a["site"], "main.leak");
  EXPECT_EQ(a["severity"], "warning");
  EXPECT_EQ(a["summary"], "main.leak grows 1.2 MiB/h");
  EXPECT_EQ(a["started"], "2026-11-27T18:00:00Z");
  EXPECT_EQ(a["updated"], "2026-11-27T18:01:30Z");
  EXPECT_TRUE(a["resolved"].is_null());
  EXPECT_DOUBLE_EQ(a["numbers"]["slope_per_hour"].get<double>(), 1234567.0);
  EXPECT_DOUBLE_EQ(a["numbers"]["r2"].get<double>(), 0.98765);
  EXPECT_EQ(a["stack"].size(), 6u);
  EXPECT_EQ(a["stack"][0], "main.leak");
  EXPECT_EQ(a["snapshot_ids"], nlohmann::json({3, 5, 8}));
  EXPECT_EQ(a["url"], "http://127.0.0.1:9464/#/alerts/42");

  auto r = webhook_payload(resolved(site_alert()), "");
  EXPECT_EQ(r["status"], "resolved");
  EXPECT_EQ(r["alert"]["resolved"], "2026-11-27T18:10:00.250Z");
  EXPECT_TRUE(r["alert"]["url"].is_null());
}

TEST(AlertPayloads, SlackMessageHasFallbackTextBlocksStackAndLink) {
  auto msg = slack_payload(site_alert(), "http://ui:9464");
  std::string text = msg["text"];
  EXPECT_NE(text.find("FIRING"), std::string::npos);
  EXPECT_NE(text.find("main.leak grows 1.2 MiB/h"), std::string::npos);
  ASSERT_TRUE(msg["blocks"].is_array());
  ASSERT_GE(msg["blocks"].size(), 4u);
  EXPECT_EQ(msg["blocks"][0]["type"], "header");
  EXPECT_EQ(msg["blocks"][0]["text"]["type"], "plain_text");

  std::string all = msg["blocks"].dump();
  EXPECT_NE(all.find("1.2 MiB/h"), std::string::npos) << all;  // slope, human-sized
  EXPECT_NE(all.find("0.9877"), std::string::npos) << all;     // r2
  std::string stack_text;
  for (const auto& b : msg["blocks"]) {
    if (!b.contains("text")) continue;
    std::string t = b["text"]["text"];
    if (t.find("```") != std::string::npos) stack_text = t;
  }
  ASSERT_FALSE(stack_text.empty()) << all;
  EXPECT_NE(stack_text.find("main.leak\nmain.handler\n"), std::string::npos);
  EXPECT_NE(stack_text.find("net/http.(*conn).serve"), std::string::npos);
  EXPECT_EQ(stack_text.find("runtime.goexit"), std::string::npos);  // the 6th frame
  EXPECT_NE(all.find("<http://ui:9464/#/alerts/42|Open in leakseek>"), std::string::npos);
  expect_within_slack_limits(msg);

  auto r = slack_payload(resolved(site_alert()), "");
  EXPECT_NE(r["text"].get<std::string>().find("RESOLVED"), std::string::npos);
  EXPECT_EQ(r["blocks"].dump().find("Open in leakseek"), std::string::npos);
}

TEST(AlertPayloads, SlackTextsAreEscapedAndTruncatedWithinLimits) {
  Alert a = site_alert();
  a.finding.target = std::string(400, 'T');
  std::string long_summary;
  for (int i = 0; i < 2000; i++) long_summary += "é<";  // multi-byte and escaped characters
  a.finding.summary = long_summary;
  a.finding.site = "main.(*Cache[go.shape.int]).Put";
  a.finding.stack[0] = std::string(5000, 'f');
  for (int i = 0; i < 20; i++) a.finding.numbers["n" + std::to_string(i)] = i;
  auto msg = slack_payload(a, "");
  expect_within_slack_limits(msg);
  std::string header = msg["blocks"][0]["text"]["text"];
  EXPECT_NE(header.find("…"), std::string::npos);
  std::string all = msg.dump();
  EXPECT_NE(all.find("é&lt;"), std::string::npos);
  EXPECT_EQ(all.find("é<"), std::string::npos);
  // The code fence is closed even when the frames were cut.
  for (const auto& b : msg["blocks"]) {
    if (!b.contains("text")) continue;
    std::string t = b["text"]["text"];
    if (t.find("```") != std::string::npos) {
      EXPECT_EQ(t.substr(t.size() - 3), "```");
    }
  }
}

TEST(AlertPayloads, AlertmanagerPostableAlerts) {
  Alert firing = site_alert();
  Alert heap = site_alert();
  heap.id = 43;
  heap.finding.kind = AlertKind::heap_growth;
  heap.finding.site = "";
  heap.finding.key = "api/heap_growth";
  int64_t ends = kStart + 180 * kSecond;
  auto j = alertmanager_payload({firing, heap, resolved(site_alert())}, "http://ui", ends);
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 3u);

  const auto& f = j[0];
  EXPECT_EQ(f["labels"]["alertname"], "GoMemoryLeak");
  EXPECT_EQ(f["labels"]["target"], "api");
  EXPECT_EQ(f["labels"]["kind"], "site_growth");
  EXPECT_EQ(f["labels"]["site"], "main.leak");
  EXPECT_EQ(f["labels"]["severity"], "warning");
  EXPECT_EQ(f["labels"]["leakseek_key"], "api/site_growth/main.leak");
  EXPECT_EQ(f["annotations"]["summary"], "main.leak grows 1.2 MiB/h");
  std::string description = f["annotations"]["description"];
  EXPECT_NE(description.find("r2=0.9877"), std::string::npos) << description;
  EXPECT_NE(description.find("points=12"), std::string::npos) << description;
  EXPECT_NE(description.find("\n  main.leak\n  main.handler"), std::string::npos) << description;
  EXPECT_EQ(f["startsAt"], "2026-11-27T18:00:00Z");
  EXPECT_EQ(f["endsAt"], "2026-11-27T18:03:00Z");
  EXPECT_EQ(f["generatorURL"], "http://ui/#/alerts/42");
  for (const auto& [label, value] : f["labels"].items()) EXPECT_TRUE(value.is_string()) << label;

  EXPECT_EQ(j[1]["labels"]["alertname"], "GoHeapGrowth");
  EXPECT_FALSE(j[1]["labels"].contains("site"));

  EXPECT_EQ(j[2]["endsAt"], "2026-11-27T18:10:00.250Z");

  auto no_ends = alertmanager_payload({firing}, "", 0);
  EXPECT_FALSE(no_ends[0].contains("endsAt"));
  EXPECT_FALSE(no_ends[0].contains("generatorURL"));
  EXPECT_TRUE(alertmanager_payload({}, "", 0).empty());
}

TEST(AlertPayloads, AlertnamePerKind) {
  EXPECT_STREQ(alertmanager_alertname(AlertKind::goroutine_growth), "GoGoroutineLeak");
  EXPECT_STREQ(alertmanager_alertname(AlertKind::goroutine_group), "GoGoroutinePileup");
  EXPECT_STREQ(alertmanager_alertname(AlertKind::finalizer_stall), "GoFinalizerStall");
}

TEST(AlertPayloads, LogLine) {
  EXPECT_EQ(alert_log_line(site_alert()),
            "2026-11-27T18:01:30Z FIRING site_growth id=42 target=api site=main.leak "
            "severity=warning summary=\"main.leak grows 1.2 MiB/h\" points=12 r2=0.9877 "
            "slope_per_hour=1234567");
  Alert r = resolved(site_alert());
  r.finding.summary = "line one\nsays \"hi\"";
  r.finding.numbers.clear();
  EXPECT_EQ(alert_log_line(r),
            "2026-11-27T18:10:00.250Z RESOLVED site_growth id=42 target=api site=main.leak "
            "severity=warning summary=\"line one says \\\"hi\\\"\"");
}

}  // namespace
}  // namespace leakseek::watch::render
