#include "impairment.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace srtgw::impair {

double GilbertElliott::expectedLossPct() const {
  if (!enabled()) {
    return 0;
  }
  const double p = good_to_bad_pct;
  const double r = bad_to_good_pct;
  return p / (p + r) * loss_in_bad_pct;
}

double DirectionStats::lossPct() const {
  if (received == 0) {
    return 0;
  }
  const uint64_t dropped = dropped_loss + dropped_burst + dropped_rate + dropped_other;
  return 100.0 * static_cast<double>(dropped) / static_cast<double>(received);
}

Impairer::Impairer(const DirectionConfig& cfg, uint64_t seed, uint64_t stream)
    : cfg_(cfg), rng_(SplitMix64(seed ^ (stream * 0xd1b54a32d192ed03ULL)).next()) {}

Decision Impairer::decide(int64_t now_ns, size_t bytes) {
  // A fixed number of draws per datagram, used or not, so that datagram i's choices do not
  // depend on what happened to the ones before it (nor on the rate cap's clock).
  const double u_burst_loss = rng_.uniform();
  const double u_burst_move = rng_.uniform();
  const double u_loss = rng_.uniform();
  const double u_duplicate = rng_.uniform();
  const double u_reorder = rng_.uniform();
  const double u_jitter1 = rng_.uniform();
  const double u_jitter2 = rng_.uniform();

  Decision d;
  d.index = next_index_++;
  ++stats_.received;

  bool burst_drop = false;
  if (cfg_.burst.enabled()) {
    burst_drop = bad_state_ && u_burst_loss * 100 < cfg_.burst.loss_in_bad_pct;
    const double move_pct = bad_state_ ? cfg_.burst.bad_to_good_pct : cfg_.burst.good_to_bad_pct;
    if (u_burst_move * 100 < move_pct) {
      bad_state_ = !bad_state_;
    }
  }
  if (burst_drop) {
    ++stats_.dropped_burst;
    d.fate = Fate::kDropBurst;
    return d;
  }
  if (u_loss * 100 < cfg_.loss_pct) {
    ++stats_.dropped_loss;
    d.fate = Fate::kDropLoss;
    return d;
  }

  int64_t departure_ns = now_ns;
  if (cfg_.rate_mbps > 0 && !admitToRateQueue(now_ns, bytes, departure_ns)) {
    ++stats_.dropped_rate;
    d.fate = Fate::kDropRate;
    return d;
  }

  int64_t due =
      departure_ns + std::max<int64_t>(0, cfg_.delay_ns + jitterOffset(u_jitter1, u_jitter2));
  d.reorder = u_reorder * 100 < cfg_.reorder_pct;
  if (d.reorder) {
    // Held back past its successors; it does not move the in-order floor.
    due += cfg_.reorder_gap_ns;
  } else {
    due = std::max(due, last_due_ns_);
    last_due_ns_ = due;
  }
  d.due_ns = due;
  d.duplicate = u_duplicate * 100 < cfg_.duplicate_pct;
  if (d.duplicate) {
    ++stats_.duplicated;
  }
  if (due > now_ns) {
    ++stats_.delayed;
  }
  return d;
}

void Impairer::noteSent(uint64_t index, bool copy) {
  ++stats_.forwarded;
  if (copy) {
    return;
  }
  if (any_sent_ && index < max_sent_index_) {
    ++stats_.reordered;
  }
  if (!any_sent_ || index > max_sent_index_) {
    max_sent_index_ = index;
    any_sent_ = true;
  }
}

// A token bucket (rate R, depth B) in front of a FIFO of Q bytes, tracked as one virtual
// time: tokens are earned up to `v`, so a datagram of s bytes leaves at v + s/R.
bool Impairer::admitToRateQueue(int64_t now_ns, size_t bytes, int64_t& departure_ns) {
  const double ns_per_byte = 8'000.0 / cfg_.rate_mbps;
  if (!rate_started_) {
    rate_started_ = true;
    rate_origin_ns_ = now_ns;
    rate_virtual_ns_ = -static_cast<double>(cfg_.rate_burst_bytes) * ns_per_byte;
  }
  const double now = static_cast<double>(now_ns - rate_origin_ns_);
  const double bucket_floor = now - static_cast<double>(cfg_.rate_burst_bytes) * ns_per_byte;
  const double v = std::max(rate_virtual_ns_, bucket_floor);
  const double finish = v + static_cast<double>(bytes) * ns_per_byte;
  const double backlog_bytes = (finish - now) / ns_per_byte;
  if (backlog_bytes > static_cast<double>(cfg_.queue_bytes)) {
    return false;
  }
  rate_virtual_ns_ = finish;
  departure_ns = rate_origin_ns_ + static_cast<int64_t>(std::ceil(std::max(finish, now)));
  return true;
}

int64_t Impairer::jitterOffset(double u1, double u2) const {
  if (cfg_.jitter_ns <= 0) {
    return 0;
  }
  const double j = static_cast<double>(cfg_.jitter_ns);
  if (cfg_.jitter_distribution == JitterDistribution::kUniform) {
    return static_cast<int64_t>((2 * u1 - 1) * j);
  }
  // Box-Muller, clipped at 3 sigma so one draw cannot stall an in-order stream for long.
  const double z = std::sqrt(-2 * std::log(1 - u1)) * std::cos(2 * std::numbers::pi * u2);
  return static_cast<int64_t>(std::clamp(z, -3.0, 3.0) * j);
}

}  // namespace srtgw::impair
