#include "profiles/series_stats.h"

namespace leakseek::profiles {

SeriesStats series_stats(std::span<const double> x, std::span<const int64_t> y,
                         std::span<const double> weights) {
  SeriesStats s;
  const size_t n = y.size();
  if (n == 0) return s;
  bool rises = false, falls = false;
  for (size_t i = 1; i < n; i++) {
    rises |= y[i] > y[i - 1];
    falls |= y[i] < y[i - 1];
  }
  s.monotonicity = rises && falls ? Monotonicity::kMixed
                   : rises        ? Monotonicity::kIncreasing
                   : falls        ? Monotonicity::kDecreasing
                                  : Monotonicity::kConstant;
  if (s.monotonicity == Monotonicity::kConstant) return s;  // exactly flat, whatever the weights
  auto w = [&](size_t i) { return weights.empty() ? 1.0 : weights[i]; };
  double mx = 0, my = 0, total = 0;
  for (size_t i = 0; i < n; i++) {
    mx += w(i) * x[i];
    my += w(i) * static_cast<double>(y[i]);
    total += w(i);
  }
  if (total <= 0) return s;
  mx /= total;
  my /= total;
  double sxx = 0, sxy = 0, syy = 0;
  for (size_t i = 0; i < n; i++) {
    double dx = x[i] - mx, dy = static_cast<double>(y[i]) - my;
    sxx += w(i) * dx * dx;
    sxy += w(i) * dx * dy;
    syy += w(i) * dy * dy;
  }
  if (sxx == 0) return s;
  s.slope = sxy / sxx;
  // For a least-squares line, explained variance over total variance is sxy^2 / (sxx * syy).
  if (syy > 0) s.r2 = (sxy * sxy) / (sxx * syy);
  return s;
}

const char* monotonicity_name(Monotonicity m) {
  switch (m) {
    case Monotonicity::kConstant:
      return "constant";
    case Monotonicity::kIncreasing:
      return "increasing";
    case Monotonicity::kDecreasing:
      return "decreasing";
    case Monotonicity::kMixed:
      return "mixed";
  }
  return "mixed";
}

}  // namespace leakseek::profiles
