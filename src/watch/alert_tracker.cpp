#include "watch/alert_tracker.h"

#include <unordered_map>

namespace leakseek::watch {

AlertChanges reconcile_alerts(const std::vector<Alert>& firing, const std::vector<Alert>& resolved,
                              const std::vector<Finding>& findings, int64_t now_nanos,
                              const AlertTiming& timing) {
  AlertChanges changes;
  std::unordered_map<std::string, const Finding*> found;
  for (const auto& f : findings) found.emplace(f.key, &f);

  for (const auto& alert : firing) {
    if (auto it = found.find(alert.finding.key); it != found.end()) {
      Alert a = alert;
      a.finding = *it->second;
      a.updated_nanos = now_nanos;
      changes.updated.push_back(std::move(a));
      found.erase(it);
    } else if (now_nanos - alert.updated_nanos >= timing.resolve_after_nanos) {
      Alert a = alert;
      a.state = AlertState::resolved;
      a.resolved_nanos = now_nanos;
      changes.resolved.push_back(std::move(a));
    } else {
      changes.quiet.push_back(alert);
    }
  }
  // The latest resolution of each key still inside the cool-down.
  std::unordered_map<std::string, const Alert*> recent;
  for (const auto& r : resolved) {
    if (r.state != AlertState::resolved || now_nanos - r.resolved_nanos > timing.cooldown_nanos)
      continue;
    auto [it, added] = recent.emplace(r.finding.key, &r);
    if (!added && it->second->resolved_nanos < r.resolved_nanos) it->second = &r;
  }
  // In findings order, so the most important (heap growth first) opens first.
  for (const auto& f : findings) {
    if (!found.contains(f.key)) continue;
    found.erase(f.key);
    if (auto it = recent.find(f.key); it != recent.end()) {
      Alert a = *it->second;
      a.finding = f;
      a.state = AlertState::firing;
      a.resolved_nanos = 0;
      a.updated_nanos = now_nanos;
      changes.reopened.push_back(std::move(a));
      continue;
    }
    Alert a;
    a.finding = f;
    a.started_nanos = now_nanos;
    a.updated_nanos = now_nanos;
    changes.opened.push_back(std::move(a));
  }
  return changes;
}

}  // namespace leakseek::watch
