// Feeds arbitrary bytes to the watch daemon's YAML config reader. Only InputError may come out
// of loading, and only std::invalid_argument (its documented error) out of finishing: anything
// else, a yaml-cpp exception above all, would reach the user as a bare crash.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "input_file.h"
#include "util/input_error.h"
#include "watch/watch_config.h"

namespace {

// What the reader accepts must be usable: a NaN or negative threshold silences or floods the
// detector, and a wrapped size is a negative floor.
bool sane(double v) {
  return std::isfinite(v) && v >= 0;
}

void check_accepted(const leakseek::watch::WatchConfig& c) {
  const auto& t = c.thresholds;
  for (const auto* g : {&t.heap, &t.site, &t.goroutine}) {
    if (!sane(g->min_slope_per_hour) || !sane(g->min_r2) || !sane(g->noise_sigmas)) std::abort();
    if (g->min_growth < 0 || g->min_span_nanos < 0) std::abort();
  }
  if (!sane(c.notify.max_per_minute) || t.new_group_min_goroutines < 0) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = leakseek::fuzz::write_input_file("watch-config", data, size);
  leakseek::watch::WatchConfig config;
  try {
    leakseek::watch::load_watch_config(path, config);
  } catch (const leakseek::InputError& e) {
    // The one-line rule: a message spanning lines would garble the daemon's log.
    if (std::string(e.what()).find('\n') != std::string::npos) {
      std::fprintf(stderr, "multi-line error: %s\n", e.what());
      std::abort();
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "not an InputError: %s\n", e.what());
    std::abort();
  } catch (...) {
    std::abort();
  }
  check_accepted(config);
  try {
    leakseek::watch::finish_watch_config(config);
  } catch (const std::invalid_argument& e) {
    if (std::string(e.what()).find('\n') != std::string::npos) {
      std::fprintf(stderr, "multi-line error: %s\n", e.what());
      std::abort();
    }
  } catch (...) {
    std::abort();
  }
  return 0;
}
