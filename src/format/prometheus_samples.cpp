#include "format/prometheus_samples.h"

namespace leakseek::format {

std::optional<double> value_of(const Metrics& metrics, std::string_view name) {
  std::optional<double> sum;
  for (const auto& sample : metrics.samples) {
    if (sample.name != name) continue;
    if (sample.labels.empty()) return sample.value;
    sum = sum.value_or(0) + sample.value;
  }
  return sum;
}

}  // namespace leakseek::format
