#include "watch/watch_model.h"

namespace leakseek::watch {

namespace {
constexpr const char* kKindNames[] = {"heap", "goroutine", "metrics"};
}

const char* snapshot_kind_name(SnapshotKind kind) {
  return kKindNames[static_cast<int>(kind)];
}

std::optional<SnapshotKind> snapshot_kind_from_name(std::string_view name) {
  for (int i = 0; i < 3; i++)
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
  }
  return "unknown";
}

}  // namespace leakseek::watch
