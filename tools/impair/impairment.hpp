#pragma once
// What happens to one direction's datagrams: loss (random and Gilbert-Elliott bursts), a rate
// cap with a bounded queue, delay, jitter, reordering and duplication. Pure logic over
// (arrival time, size), so it is tested without sockets and replayed exactly from a seed.

#include <cstddef>
#include <cstdint>

#include "rng.hpp"

namespace srtgw::impair {

enum class JitterDistribution { kUniform, kNormal };

/// Gilbert-Elliott two-state loss. Probabilities are percent per datagram.
struct GilbertElliott {
  double good_to_bad_pct = 0;    // p: 0 disables the model
  double bad_to_good_pct = 100;  // r: mean burst length is 100 / r datagrams
  double loss_in_bad_pct = 100;  // h: chance a datagram is lost while in the bad state
  bool enabled() const { return good_to_bad_pct > 0; }
  /// The long-run share of datagrams lost to bursts, in percent.
  double expectedLossPct() const;
};

struct DirectionConfig {
  double loss_pct = 0;
  GilbertElliott burst;
  int64_t delay_ns = 0;
  int64_t jitter_ns = 0;
  JitterDistribution jitter_distribution = JitterDistribution::kUniform;
  double reorder_pct = 0;
  int64_t reorder_gap_ns = 5'000'000;  // how long a reordered datagram is held back
  double duplicate_pct = 0;
  double rate_mbps = 0;  // 0: no cap
  int64_t rate_burst_bytes = 16 * 1024;
  int64_t queue_bytes = 256 * 1024;
};

struct DirectionStats {
  uint64_t received = 0;
  uint64_t forwarded = 0;  // datagrams sent on, copies included
  uint64_t dropped_loss = 0;
  uint64_t dropped_burst = 0;
  uint64_t dropped_rate = 0;
  uint64_t dropped_other = 0;  // send failures, pending-queue overflow, unknown client
  uint64_t duplicated = 0;
  uint64_t reordered = 0;  // sent after a datagram that arrived later
  uint64_t delayed = 0;    // held for any time before sending
  /// Share of received datagrams that were never sent on, in percent.
  double lossPct() const;
};

enum class Fate { kForward, kDropLoss, kDropBurst, kDropRate };

struct Decision {
  Fate fate = Fate::kForward;
  uint64_t index = 0;  // arrival index in this direction, from 0
  int64_t due_ns = 0;  // when to send (original and copy)
  bool duplicate = false;
  bool reorder = false;
};

class Impairer {
 public:
  /// `stream` separates directions so each has its own random sequence.
  Impairer(const DirectionConfig& cfg, uint64_t seed, uint64_t stream);

  /// Owner thread: decides the fate of the next datagram and counts it. Every random choice
  /// of datagram i depends only on (seed, stream, i); only the rate cap looks at the clock.
  Decision decide(int64_t now_ns, size_t bytes);
  /// Owner thread: a datagram (or its copy) of arrival `index` went out.
  void noteSent(uint64_t index, bool copy);
  /// Owner thread: a datagram the relay accepted could not be sent.
  void noteDropped() { ++stats_.dropped_other; }
  /// Owner thread: a datagram too large to relay arrived; it takes no random draws.
  void noteOversize() {
    ++stats_.received;
    ++stats_.dropped_other;
  }

  const DirectionStats& stats() const { return stats_; }
  const DirectionConfig& config() const { return cfg_; }

 private:
  bool admitToRateQueue(int64_t now_ns, size_t bytes, int64_t& departure_ns);
  int64_t jitterOffset(double u1, double u2) const;

  DirectionConfig cfg_;
  Xoshiro256 rng_;
  DirectionStats stats_;
  uint64_t next_index_ = 0;
  bool bad_state_ = false;
  int64_t last_due_ns_ = 0;  // keeps in-order datagrams in order whatever their jitter
  bool rate_started_ = false;
  double rate_virtual_ns_ = 0;  // token-bucket virtual time, relative to rate_origin_ns_
  int64_t rate_origin_ns_ = 0;
  bool any_sent_ = false;
  uint64_t max_sent_index_ = 0;
};

}  // namespace srtgw::impair
