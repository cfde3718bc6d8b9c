#pragma once
// Least-squares line and shape of one value series over time: what tells steady growth from
// noise.
#include <cstdint>
#include <span>

namespace leakseek::profiles {

enum class Monotonicity {
  kConstant,    // every value equal
  kIncreasing,  // never falls, and ends higher than it starts
  kDecreasing,  // never rises, and ends lower
  kMixed,
};

struct SeriesStats {
  double slope = 0;  // value units per x unit
  // Share of the variance the line explains; 0 for a constant series, where there is nothing
  // to explain.
  double r2 = 0;
  Monotonicity monotonicity = Monotonicity::kConstant;
};

// x and y have the same length; x values need not be evenly spaced but must not all be equal
// for the slope to be nonzero. With weights (the same length, none negative), the line is fitted
// by weighted least squares and R² is the weighted share; without, every point weighs 1.
SeriesStats series_stats(std::span<const double> x, std::span<const int64_t> y,
                         std::span<const double> weights = {});

const char* monotonicity_name(Monotonicity m);

}  // namespace leakseek::profiles
