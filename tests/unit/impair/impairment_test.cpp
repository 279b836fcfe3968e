// Impairer: the per-direction decisions, without sockets.

#include "impairment.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "rng.hpp"

namespace srtgw::impair {
namespace {

constexpr int64_t kMs = 1'000'000;

std::vector<Fate> fates(const DirectionConfig& cfg, uint64_t seed, int n, uint64_t stream = 1) {
  Impairer imp(cfg, seed, stream);
  std::vector<Fate> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(imp.decide(1'000 * kMs + i * kMs, 1316).fate);
  }
  return out;
}

TEST(Xoshiro256, IsRepeatableAndUniformInUnitInterval) {
  Xoshiro256 a(42);
  Xoshiro256 b(42);
  Xoshiro256 c(43);
  int differ = 0;
  double sum = 0;
  for (int i = 0; i < 100'000; ++i) {
    const uint64_t x = a.next();
    EXPECT_EQ(x, b.next());
    differ += x != c.next() ? 1 : 0;
    const double u = a.uniform();
    b.uniform();
    c.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_GT(differ, 99'990);
  EXPECT_NEAR(sum / 100'000, 0.5, 0.01);
}

TEST(Impairer, NoImpairmentForwardsEverythingAtOnce) {
  Impairer imp(DirectionConfig{}, 1, 1);
  for (int i = 0; i < 1000; ++i) {
    const Decision d = imp.decide(5 * kMs + i, 1316);
    EXPECT_EQ(d.fate, Fate::kForward);
    EXPECT_EQ(d.due_ns, 5 * kMs + i);
    EXPECT_EQ(d.index, static_cast<uint64_t>(i));
    EXPECT_FALSE(d.duplicate);
    EXPECT_FALSE(d.reorder);
  }
  EXPECT_EQ(imp.stats().received, 1000u);
  EXPECT_EQ(imp.stats().delayed, 0u);
}

TEST(Impairer, SameSeedGivesSameDecisionsAndDirectionsDiffer) {
  DirectionConfig cfg;
  cfg.loss_pct = 10;
  EXPECT_EQ(fates(cfg, 7, 10'000), fates(cfg, 7, 10'000));
  EXPECT_NE(fates(cfg, 7, 10'000), fates(cfg, 8, 10'000));
  EXPECT_NE(fates(cfg, 7, 10'000, 1), fates(cfg, 7, 10'000, 2));
}

TEST(Impairer, LossPatternDoesNotDependOnOtherImpairments) {
  DirectionConfig plain;
  plain.loss_pct = 5;
  DirectionConfig busy = plain;
  busy.duplicate_pct = 30;
  busy.reorder_pct = 20;
  busy.jitter_ns = 3 * kMs;
  busy.delay_ns = 10 * kMs;
  EXPECT_EQ(fates(plain, 99, 5'000), fates(busy, 99, 5'000));
}

TEST(Impairer, RandomLossIsCloseToTheConfiguredShare) {
  DirectionConfig cfg;
  cfg.loss_pct = 10;
  Impairer imp(cfg, 3, 1);
  for (int i = 0; i < 100'000; ++i) {
    imp.decide(i, 100);
  }
  EXPECT_NEAR(static_cast<double>(imp.stats().dropped_loss), 10'000, 400);
  EXPECT_NEAR(imp.stats().lossPct(), 10, 0.4);
}

TEST(Impairer, GilbertElliottLossComesInBurstsAtTheStationaryRate) {
  DirectionConfig cfg;
  cfg.burst = {.good_to_bad_pct = 1, .bad_to_good_pct = 25, .loss_in_bad_pct = 100};
  ASSERT_NEAR(cfg.burst.expectedLossPct(), 100.0 / 26, 1e-9);
  const auto f = fates(cfg, 11, 200'000);
  int lost = 0;
  int bursts = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] == Fate::kDropBurst) {
      ++lost;
      if (i == 0 || f[i - 1] != Fate::kDropBurst) {
        ++bursts;
      }
    }
  }
  EXPECT_NEAR(100.0 * lost / 200'000, cfg.burst.expectedLossPct(), 0.6);
  EXPECT_NEAR(static_cast<double>(lost) / bursts, 4.0, 0.4);  // 100 / bad_to_good
}

TEST(Impairer, DelayAndJitterKeepOrderWithoutReordering) {
  DirectionConfig cfg;
  cfg.delay_ns = 10 * kMs;
  cfg.jitter_ns = 5 * kMs;
  for (auto dist : {JitterDistribution::kUniform, JitterDistribution::kNormal}) {
    cfg.jitter_distribution = dist;
    Impairer imp(cfg, 5, 1);
    int64_t last = 0;
    int64_t min_extra = INT64_MAX;
    int64_t max_extra = 0;
    for (int i = 0; i < 10'000; ++i) {
      const int64_t now = 1'000 * kMs + i * 100'000;  // 10k datagrams/s
      const Decision d = imp.decide(now, 1316);
      ASSERT_GE(d.due_ns, last) << i;
      last = d.due_ns;
      min_extra = std::min(min_extra, d.due_ns - now);
      max_extra = std::max(max_extra, d.due_ns - now);
    }
    if (dist == JitterDistribution::kUniform) {
      EXPECT_GE(min_extra, 5 * kMs);  // delay - jitter at worst
      EXPECT_GT(max_extra, 14 * kMs);
    } else {
      EXPECT_GE(min_extra, 0);  // clipped at 3 sigma, then at no delay
      EXPECT_GT(max_extra, 15 * kMs);
    }
    EXPECT_EQ(imp.stats().delayed, 10'000u);
  }
}

TEST(Impairer, ReorderedDatagramsAreHeldPastTheirSuccessors) {
  DirectionConfig cfg;
  cfg.reorder_pct = 10;
  cfg.reorder_gap_ns = 5 * kMs;
  Impairer imp(cfg, 5, 1);
  int reordered = 0;
  for (int i = 0; i < 10'000; ++i) {
    const int64_t now = i * 100'000;
    const Decision d = imp.decide(now, 1316);
    if (d.reorder) {
      ++reordered;
      EXPECT_EQ(d.due_ns, now + 5 * kMs);
    } else {
      EXPECT_EQ(d.due_ns, now);  // the in-order stream is not held up by them
    }
  }
  EXPECT_NEAR(reordered, 1000, 120);
}

TEST(Impairer, NoteSentCountsLateArrivalsAsReorderedButNotCopies) {
  Impairer imp(DirectionConfig{}, 1, 1);
  imp.noteSent(0, false);
  imp.noteSent(2, false);
  imp.noteSent(1, false);  // overtaken by 2
  imp.noteSent(1, true);   // its copy: not counted again
  imp.noteSent(3, false);
  EXPECT_EQ(imp.stats().forwarded, 5u);
  EXPECT_EQ(imp.stats().reordered, 1u);
}

TEST(Impairer, DuplicationIsCloseToTheConfiguredShare) {
  DirectionConfig cfg;
  cfg.duplicate_pct = 20;
  Impairer imp(cfg, 9, 1);
  for (int i = 0; i < 50'000; ++i) {
    imp.decide(i, 100);
  }
  EXPECT_NEAR(static_cast<double>(imp.stats().duplicated), 10'000, 400);
}

TEST(Impairer, RateCapSpacesDatagramsAndDropsPastTheQueue) {
  DirectionConfig cfg;
  cfg.rate_mbps = 10;  // 1316 bytes take 1.0528 ms
  cfg.rate_burst_bytes = 0;
  cfg.queue_bytes = 100 * 1316;
  Impairer imp(cfg, 1, 1);
  std::vector<int64_t> departures;
  for (int i = 0; i < 1000; ++i) {  // all at once
    const Decision d = imp.decide(0, 1316);
    if (d.fate == Fate::kForward) {
      departures.push_back(d.due_ns);
    } else {
      EXPECT_EQ(d.fate, Fate::kDropRate);
    }
  }
  EXPECT_EQ(departures.size(), 100u);
  EXPECT_EQ(imp.stats().dropped_rate, 900u);
  for (size_t i = 1; i < departures.size(); ++i) {
    EXPECT_NEAR(static_cast<double>(departures[i] - departures[i - 1]), 1'052'800, 2);
  }
  // Once the queue has drained, the link takes datagrams again.
  const Decision later = imp.decide(departures.back() + 10 * kMs, 1316);
  EXPECT_EQ(later.fate, Fate::kForward);
}

TEST(Impairer, RateCapBurstLetsAShortBurstThroughUndelayed) {
  DirectionConfig cfg;
  cfg.rate_mbps = 10;
  cfg.rate_burst_bytes = 10 * 1316;
  Impairer imp(cfg, 1, 1);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(imp.decide(0, 1316).due_ns, 0) << i;
  }
  EXPECT_GT(imp.decide(0, 1316).due_ns, 0);
}

TEST(Impairer, RateCapBelowTheOfferedLoadConvergesToTheCap) {
  DirectionConfig cfg;
  cfg.rate_mbps = 5;
  Impairer imp(cfg, 1, 1);
  uint64_t bytes_out = 0;
  const int64_t duration = 2'000 * kMs;
  for (int64_t t = 0; t < duration; t += 100'000) {  // 10k x 1316 B/s = 105 Mbps offered
    const Decision d = imp.decide(t, 1316);
    if (d.fate == Fate::kForward && d.due_ns < duration) {
      bytes_out += 1316;
    }
  }
  EXPECT_NEAR(static_cast<double>(bytes_out) * 8 / 2 / 1e6, 5.0, 0.1);
}

}  // namespace
}  // namespace srtgw::impair
