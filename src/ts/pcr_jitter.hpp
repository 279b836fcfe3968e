#pragma once
// PcrJitterEstimator: the approximation behind TR 101 290 indicator 2.4 (PCR_accuracy_error).
//
// True PCR accuracy (+-500 ns) can only be measured against the multiplex's own constant
// bitrate at the multiplexer output; after a network, arrival times carry jitter of
// milliseconds. So this measures the next best thing: how far each PCR departs from the
// straight line through the (PCR time, arrival time) pairs of the previous window. The fit
// absorbs constant delay and clock drift between the sender and this host; what is left is
// network and sender jitter plus PCR inaccuracy. With a tolerance of milliseconds it catches
// PCR values that are wrong by more than the tolerance (remultiplexing without PCR
// restamping, broken PCR insertion, PCR clock stepping) and delivery jitter beyond it; it
// cannot see sub-millisecond PCR inaccuracy.

#include <array>
#include <cstdint>
#include <optional>

namespace srtgw::ts {

class PcrJitterEstimator {
 public:
  static constexpr int kWindow = 32;      // PCRs in the fitted line
  static constexpr int kMinPoints = 8;    // no verdict before this many
  static constexpr int kMaxOutliers = 3;  // consecutive outliers: the line moved, refit

  // Adds a PCR (in ns on an unwrapped PCR time line) that arrived at arrival_ns and returns
  // its distance in ns to the line through the window (nullopt while the window fills).
  // A point farther than tolerance_ns is reported but kept out of the window.
  // Thread that owns the estimator.
  std::optional<int64_t> add(int64_t pcr_ns, int64_t arrival_ns, int64_t tolerance_ns);

  // Forgets the window (after a PCR discontinuity or a gap in the input). Owner thread.
  void reset() {
    count_ = 0;
    next_ = 0;
    outliers_ = 0;
  }

 private:
  struct Point {
    int64_t pcr_ns;
    int64_t arrival_ns;
  };
  void push(Point p);

  std::array<Point, kWindow> points_{};
  int count_ = 0;
  int next_ = 0;
  int outliers_ = 0;
};

}  // namespace srtgw::ts
