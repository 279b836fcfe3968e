#include "ts/pcr_jitter.hpp"

#include <cstdlib>

namespace srtgw::ts {

void PcrJitterEstimator::push(Point p) {
  points_[next_] = p;
  next_ = (next_ + 1) % kWindow;
  if (count_ < kWindow) {
    ++count_;
  }
}

std::optional<int64_t> PcrJitterEstimator::add(int64_t pcr_ns, int64_t arrival_ns,
                                               int64_t tolerance_ns) {
  if (count_ < kMinPoints) {
    push({pcr_ns, arrival_ns});
    return std::nullopt;
  }
  // Least squares arrival = a + b * pcr, in coordinates relative to the oldest point so that
  // doubles keep sub-nanosecond precision. Recomputed each time (32 points, a few per 100 ms).
  const int oldest = (next_ - count_ + kWindow) % kWindow;
  const Point ref = points_[oldest];
  double sx = 0;
  double sy = 0;
  double sxx = 0;
  double sxy = 0;
  for (int i = 0; i < count_; ++i) {
    const Point& pt = points_[(oldest + i) % kWindow];
    const double x = static_cast<double>(pt.pcr_ns - ref.pcr_ns);
    const double y = static_cast<double>(pt.arrival_ns - ref.arrival_ns);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const double n = count_;
  const double den = n * sxx - sx * sx;
  if (den <= 0) {
    push({pcr_ns, arrival_ns});
    return std::nullopt;
  }
  const double b = (n * sxy - sx * sy) / den;
  const double a = (sy - b * sx) / n;
  const double x = static_cast<double>(pcr_ns - ref.pcr_ns);
  const double predicted = a + b * x;
  const auto residual =
      static_cast<int64_t>(static_cast<double>(arrival_ns - ref.arrival_ns) - predicted);
  if (std::llabs(residual) > tolerance_ns) {
    if (++outliers_ >= kMaxOutliers) {
      reset();
      push({pcr_ns, arrival_ns});
    }
  } else {
    outliers_ = 0;
    push({pcr_ns, arrival_ns});
  }
  return residual;
}

}  // namespace srtgw::ts
