#include "watch/watch_model.h"

namespace leakseek::watch {

namespace {
constexpr const char* kKindNames[kSnapshotKinds] = {"heap", "goroutine", "metrics",
                                                    "goroutine_leak"};
}

const char* snapshot_kind_name(SnapshotKind kind) {
  return kKindNames[static_cast<int>(kind)];
}

std::optional<SnapshotKind> snapshot_kind_from_name(std::string_view name) {
  for (int i = 0; i < kSnapshotKinds; i++)
    if (name == kKindNames[i]) return static_cast<SnapshotKind>(i);
  return std::nullopt;
}

const char* alert_kind_name(AlertKind kind) {
  switch (kind) {
    case AlertKind::heap_growth:
      return "heap_growth";
    case AlertKind::site_growth:
      return "site_growth";
    case AlertKind::goroutine_growth:
      return "goroutine_growth";
    case AlertKind::goroutine_group:
      return "goroutine_group";
    case AlertKind::finalizer_stall:
      return "finalizer_stall";
    case AlertKind::cleanup_stall:
      return "cleanup_stall";
    case AlertKind::goroutine_leak:
      return "goroutine_leak";
  }
  return "unknown";
}

std::optional<AlertKind> alert_kind_from_name(std::string_view name) {
  for (AlertKind k : kAlertKinds)
    if (name == alert_kind_name(k)) return k;
  return std::nullopt;
}

}  // namespace leakseek::watch
