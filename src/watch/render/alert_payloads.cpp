#include "watch/render/alert_payloads.h"

#include <fmt/format.h>

#include <cmath>

#include "report/units.h"

namespace leakseek::watch::render {

using report::rfc3339_utc;

using report::human_bytes;

namespace {

using watch::Alert;
using watch::AlertKind;
using watch::AlertState;

// Block Kit limits, in characters.
constexpr size_t kSlackHeaderChars = 150;
constexpr size_t kSlackSectionChars = 3000;
constexpr size_t kSlackFieldChars = 2000;
constexpr size_t kSlackMaxFields = 10;
constexpr size_t kSlackStackFrames = 5;
// A description is evidence, not a dump: deeper frames are in the UI.
constexpr size_t kDescriptionFrames = 32;

bool is_firing(const Alert& a) {
  return a.state == AlertState::firing;
}

bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

size_t code_points(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += !is_continuation(c);
  return n;
}

// At most `max_chars` code points, the last one "…" when something was cut.
std::string truncate_chars(const std::string& s, size_t max_chars) {
  if (code_points(s) <= max_chars) return s;
  size_t keep = max_chars == 0 ? 0 : max_chars - 1, seen = 0, i = 0;
  for (; i < s.size(); i++) {
    if (!is_continuation(static_cast<unsigned char>(s[i]))) {
      if (seen == keep) break;
      seen++;
    }
  }
  return max_chars == 0 ? "" : s.substr(0, i) + "…";
}

// Slack reads &, < and > as control characters in every text it formats.
std::string slack_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else
      out += c;
  }
  return out;
}

// Escaped text cut to a limit, never inside an entity.
std::string slack_text(const std::string& raw, size_t max_chars) {
  std::string s = truncate_chars(slack_escape(raw), max_chars);
  if (s.size() >= 3 && s.compare(s.size() - 3, 3, "…") == 0) {
    size_t amp = s.rfind('&'), semi = s.rfind(';');
    if (amp != std::string::npos && (semi == std::string::npos || semi < amp))
      s = s.substr(0, amp) + "…";
  }
  return s;
}

std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return s;
}

std::string format_number(double v) {
  if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 1e15)
    return fmt::format("{}", static_cast<int64_t>(v));
  return fmt::format("{:.4g}", v);
}

bool is_heap_kind(AlertKind k) {
  return k == AlertKind::heap_growth || k == AlertKind::site_growth;
}

// Byte-valued evidence of heap alerts reads better human-sized in a chat message.
std::string display_number(AlertKind kind, const std::string& name, double v) {
  if (!is_heap_kind(kind) || !std::isfinite(v)) return format_number(v);
  std::string sign = v < 0 ? "-" : "";
  auto bytes = sign + human_bytes(static_cast<uint64_t>(std::llround(std::fabs(v))));
  if (name == "slope_per_hour") return bytes + "/h";
  if (name == "first" || name == "last") return bytes;
  return format_number(v);
}

const char* state_name(AlertState s) {
  return s == AlertState::firing ? "firing" : "resolved";
}

std::string kind_words(AlertKind kind) {
  std::string s = watch::alert_kind_name(kind);
  for (char& c : s)
    if (c == '_') c = ' ';
  return s;
}

std::string numbers_line(const Alert& a) {
  std::string out;
  for (const auto& [name, v] : a.finding.numbers) {
    if (!out.empty()) out += ' ';
    out += name + "=" + format_number(v);
  }
  return out;
}

// Quoted when it would otherwise not read back as one key=value token.
std::string log_value(const std::string& raw) {
  std::string v = one_line(raw);
  if (!v.empty() && v.find_first_of(" \"=") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

nlohmann::json mrkdwn(const std::string& text) {
  return {{"type", "mrkdwn"}, {"text", text}};
}

}  // namespace

std::string alert_url(const Alert& alert, const std::string& ui_base_url) {
  if (ui_base_url.empty()) return "";
  std::string base = ui_base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return fmt::format("{}/#/alerts/{}", base, alert.id);
}

const char* alertmanager_alertname(AlertKind kind) {
  switch (kind) {
    case AlertKind::heap_growth:
      return "GoHeapGrowth";
    case AlertKind::site_growth:
      return "GoMemoryLeak";
    case AlertKind::goroutine_growth:
      return "GoGoroutineLeak";
    case AlertKind::goroutine_group:
      return "GoGoroutinePileup";
    case AlertKind::finalizer_stall:
      return "GoFinalizerStall";
    case AlertKind::cleanup_stall:
      return "GoCleanupStall";
    case AlertKind::goroutine_leak:
      return "GoGoroutineLeakProven";
  }
  return "GoLeakseekAlert";
}

nlohmann::json webhook_payload(const Alert& a, const std::string& ui_base_url) {
  const auto& f = a.finding;
  nlohmann::json numbers = nlohmann::json::object();
  for (const auto& [name, v] : f.numbers) numbers[name] = v;
  std::string url = alert_url(a, ui_base_url);
  nlohmann::json alert = {
      {"id", a.id},
      {"key", f.key},
      {"target", f.target},
      {"kind", watch::alert_kind_name(f.kind)},
      {"site", f.site},
      {"severity", f.severity},
      {"summary", f.summary},
      {"started", rfc3339_utc(a.started_nanos)},
      {"updated", rfc3339_utc(a.updated_nanos)},
      {"resolved",
       is_firing(a) ? nlohmann::json(nullptr) : nlohmann::json(rfc3339_utc(a.resolved_nanos))},
      {"numbers", numbers},
      {"stack", f.stack},
      {"snapshot_ids", f.snapshot_ids},
      {"url", url.empty() ? nlohmann::json(nullptr) : nlohmann::json(url)},
  };
  return {{"version", "1"}, {"status", state_name(a.state)}, {"alert", std::move(alert)}};
}

nlohmann::json slack_payload(const Alert& a, const std::string& ui_base_url) {
  const auto& f = a.finding;
  std::string state = is_firing(a) ? "FIRING" : "RESOLVED";
  std::string url = alert_url(a, ui_base_url);

  nlohmann::json blocks = nlohmann::json::array();
  blocks.push_back(
      {{"type", "header"},
       {"text",
        {{"type", "plain_text"},
         {"text", truncate_chars(one_line(fmt::format("{} {}: {} on {}", is_firing(a) ? "🔴" : "✅",
                                                      state, kind_words(f.kind), f.target)),
                                 kSlackHeaderChars)}}}});

  nlohmann::json facts = nlohmann::json::array();
  auto fact = [&](const std::string& name, const std::string& value) {
    facts.push_back(mrkdwn(slack_text("*" + name + "*\n" + value, kSlackFieldChars)));
  };
  fact("Target", f.target);
  if (!f.site.empty()) fact("Site", f.site);
  fact("Severity", f.severity);
  fact(is_firing(a) ? "Since" : "Resolved",
       rfc3339_utc(is_firing(a) ? a.started_nanos : a.resolved_nanos));
  blocks.push_back(
      {{"type", "section"},
       {"text", mrkdwn(slack_text(f.summary.empty() ? state : f.summary, kSlackSectionChars))},
       {"fields", facts}});

  if (!f.numbers.empty()) {
    nlohmann::json fields = nlohmann::json::array();
    for (const auto& [name, v] : f.numbers) {
      if (fields.size() == kSlackMaxFields) break;
      fields.push_back(mrkdwn(
          slack_text("*" + name + "*\n" + display_number(f.kind, name, v), kSlackFieldChars)));
    }
    blocks.push_back({{"type", "section"}, {"fields", fields}});
  }

  if (!f.stack.empty()) {
    size_t shown = std::min(f.stack.size(), kSlackStackFrames);
    std::string title = shown < f.stack.size()
                            ? fmt::format("*Stack* (top {} of {} frames)", shown, f.stack.size())
                            : std::string("*Stack*");
    std::string frames;
    for (size_t i = 0; i < shown; i++) frames += one_line(f.stack[i]) + "\n";
    // The fence must survive truncation, so only the frames are cut.
    const std::string open = "\n```\n", close = "```";
    size_t room = kSlackSectionChars - code_points(title) - code_points(open) - code_points(close);
    blocks.push_back(
        {{"type", "section"}, {"text", mrkdwn(title + open + slack_text(frames, room) + close)}});
  }

  if (!url.empty())
    blocks.push_back({{"type", "section"}, {"text", mrkdwn("<" + url + "|Open in leakseek>")}});

  std::string text = one_line(
      fmt::format("[{}] {} on {}: {}", state, watch::alert_kind_name(f.kind), f.target, f.summary));
  return {{"text", slack_text(text, kSlackSectionChars)}, {"blocks", blocks}};
}

nlohmann::json alertmanager_payload(const std::vector<Alert>& alerts,
                                    const std::string& ui_base_url, int64_t firing_ends_nanos) {
  nlohmann::json out = nlohmann::json::array();
  for (const Alert& a : alerts) {
    const auto& f = a.finding;
    nlohmann::json labels = {{"alertname", alertmanager_alertname(f.kind)},
                             {"target", f.target},
                             {"kind", watch::alert_kind_name(f.kind)},
                             {"severity", f.severity},
                             {"leakseek_key", f.key}};
    // An empty label value is the same as no label to Alertmanager.
    if (!f.site.empty()) labels["site"] = f.site;

    std::string description = numbers_line(a);
    if (!f.stack.empty()) {
      description += description.empty() ? "stack:" : "\nstack:";
      size_t shown = std::min(f.stack.size(), kDescriptionFrames);
      for (size_t i = 0; i < shown; i++) description += "\n  " + f.stack[i];
      if (shown < f.stack.size())
        description += fmt::format("\n  ... {} more frames", f.stack.size() - shown);
    }
    std::string url = alert_url(a, ui_base_url);
    nlohmann::json annotations = {{"summary", f.summary}, {"description", description}};
    if (!url.empty()) annotations["url"] = url;

    nlohmann::json alert = {{"labels", labels},
                            {"annotations", annotations},
                            {"startsAt", rfc3339_utc(a.started_nanos)}};
    if (!is_firing(a))
      alert["endsAt"] = rfc3339_utc(a.resolved_nanos);
    else if (firing_ends_nanos != 0)
      alert["endsAt"] = rfc3339_utc(firing_ends_nanos);
    if (!url.empty()) alert["generatorURL"] = url;
    out.push_back(std::move(alert));
  }
  return out;
}

std::string alert_log_line(const Alert& a) {
  const auto& f = a.finding;
  std::string line = fmt::format("{} {} {} id={} target={}",
                                 rfc3339_utc(is_firing(a) ? a.updated_nanos : a.resolved_nanos),
                                 is_firing(a) ? "FIRING" : "RESOLVED",
                                 watch::alert_kind_name(f.kind), a.id, log_value(f.target));
  if (!f.site.empty()) line += " site=" + log_value(f.site);
  line += " severity=" + log_value(f.severity);
  line += " summary=" + log_value(f.summary.empty() ? "-" : f.summary);
  std::string numbers = numbers_line(a);
  if (!numbers.empty()) line += " " + numbers;
  return line;
}

}  // namespace leakseek::watch::render
