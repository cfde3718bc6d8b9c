#pragma once
// What leakseek watch sends about an alert, one renderer per receiver format: a generic JSON
// webhook, a Slack incoming webhook (Block Kit), Alertmanager's API v2 and a log line. Pure
// functions: every time and link they print comes in with the alert or as an argument.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "watch/watch_model.h"

namespace leakseek::watch::render {

// Where the UI shows an alert: "UI_BASE/#/alerts/ID"; "" when ui_base_url is empty.
std::string alert_url(const watch::Alert& alert, const std::string& ui_base_url);

// {"version":"1","status":"firing"|"resolved","alert":{id, key, target, kind, site, severity,
// summary, started, updated, resolved (RFC 3339 UTC, null while firing), numbers, stack,
// snapshot_ids, url (null without a UI base)}}
nlohmann::json webhook_payload(const watch::Alert& alert, const std::string& ui_base_url);

// A Slack incoming-webhook message: "text" is the notification fallback, "blocks" a header
// (at most 150 characters), the summary with target/site/severity fields, the evidence numbers,
// the top 5 stack frames in a code block and a link to the UI; every text within Block Kit's
// limits (section text 3000, field 2000 characters), truncated with "…" when longer.
nlohmann::json slack_payload(const watch::Alert& alert, const std::string& ui_base_url);

// The body of Alertmanager's `POST /api/v2/alerts`: one postableAlert per alert, with labels
// {alertname, target, kind, site (when set), severity, leakseek_key}, annotations {summary,
// description (numbers and stack), url}, startsAt and generatorURL (the UI link, when set).
// endsAt: the resolve time for a resolved alert; for a firing one `firing_ends_nanos` when not 0.
// The notifier passes now + 3 × its resend interval there, as Prometheus does with its own
// resend delay: Alertmanager then resolves the alert by itself only if leakseek stops re-sending
// it for three intervals, independently of Alertmanager's resolve_timeout.
nlohmann::json alertmanager_payload(const std::vector<watch::Alert>& alerts,
                                    const std::string& ui_base_url, int64_t firing_ends_nanos);

// "GoMemoryLeak", "GoHeapGrowth", "GoGoroutineLeak", "GoGoroutinePileup", "GoFinalizerStall"
const char* alertmanager_alertname(watch::AlertKind kind);

// One line for the stdout receiver, no newline:
// 2026-11-27T18:00:00Z FIRING site_growth id=3 target=api site=main.leak severity=warning
//   summary="..." r2=0.9812 slope_per_hour=1.235e+06
// The time is the last evaluation while firing and the resolve time once resolved.
std::string alert_log_line(const watch::Alert& alert);

}  // namespace leakseek::watch::render
