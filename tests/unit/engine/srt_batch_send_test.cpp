// sendBatch against a real libsrt connection on loopback whose receiver never reads.

#include "engine/srt_batch_send.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>

#include "net/address.hpp"
#include "srt/runtime.hpp"
#include "srt/socket.hpp"
#include "support/process.hpp"

namespace srtgw::engine {
namespace {

using namespace std::chrono_literals;

void fill(net::DatagramBatch& batch, uint8_t tag) {
  batch.setSize(net::DatagramBatch::kCapacity);
  for (int i = 0; i < batch.size(); ++i) {
    std::memset(batch.slot(i), tag, 1316);
    batch.setLength(i, 1316);
  }
}

// A sender whose buffer fills: a batch that meets the full buffer sends what fits and drops
// the rest; once nothing drains, batches are dropped whole; every datagram is counted
// once, as sent or as dropped. (That the rest is dropped without asking libsrt again shows
// in bench/profile.sh: no exception unwinding on the input's thread at 900 Mbps.)
TEST(SrtBatchSend, AFullSendBufferDropsTheRestOfTheBatchAndCountsEveryDatagram) {
  srt::Runtime runtime;
  // The receiver takes at most 32 packets (libsrt's floor) and its application never
  // reads; the sender's buffer holds about 64.
  srt::SrtOptions rx_opts;
  rx_opts.rcvbuf = 32 * 1500;
  rx_opts.flow_window = 32;
  srt::SrtOptions tx_opts;
  tx_opts.sndbuf = 64 * 1456;
  auto listener = srt::Socket::create(rx_opts);
  ASSERT_TRUE(listener.ok());
  auto any = net::resolve("127.0.0.1", 0);
  ASSERT_TRUE(any.ok());
  ASSERT_TRUE(listener->bind(*any).ok());
  ASSERT_TRUE(listener->listen(1).ok());
  auto remote = net::resolve("127.0.0.1", listener->localPort());
  ASSERT_TRUE(remote.ok());
  auto sender = srt::Socket::create(tx_opts);
  ASSERT_TRUE(sender.ok());
  ASSERT_TRUE(sender->connect(*remote).ok());
  srt::Socket receiver;
  ASSERT_TRUE(test::waitUntil(
      [&] {
        if (!receiver.valid()) {
          sockaddr_storage peer{};
          if (auto a = listener->accept(&peer); a.ok() && a->valid()) {
            receiver = std::move(*a);
          }
        }
        return receiver.valid() && sender->state() == srt::LinkState::kConnected;
      },
      10s));

  auto batch = std::make_unique<net::DatagramBatch>();
  uint64_t sent = 0;
  uint64_t dropped = 0;
  int batches = 0;
  // Until a whole batch is dropped: the buffer is full and stays so (nobody reads).
  bool whole_dropped = false;
  ASSERT_TRUE(test::waitUntil(
      [&] {
        fill(*batch, static_cast<uint8_t>(batches));
        const SrtBatchSent r = sendBatch(sender->id(), *batch, 0);
        ++batches;
        EXPECT_FALSE(r.broken);
        EXPECT_EQ(r.packets + r.dropped, static_cast<uint64_t>(batch->size())) << "batch " << batches;
        sent += r.packets;
        dropped += r.dropped;
        whole_dropped = r.packets == 0 && r.dropped == static_cast<uint64_t>(batch->size());
        return whole_dropped;
      },
      10s))
      << batches << " batches, " << sent << " sent, " << dropped << " dropped";
  EXPECT_GT(sent, 0u);
  EXPECT_GT(dropped, 0u);
  EXPECT_EQ(sent + dropped, static_cast<uint64_t>(batches) * net::DatagramBatch::kCapacity);

  // A closed connection reads as broken, not as a full buffer.
  receiver = srt::Socket();
  listener = srt::Socket();
  ASSERT_TRUE(test::waitUntil([&] { return sender->state() != srt::LinkState::kConnected; }, 15s));
  fill(*batch, 0xEE);
  const SrtBatchSent after = sendBatch(sender->id(), *batch, 0);
  EXPECT_TRUE(after.broken);
  EXPECT_EQ(after.packets, 0u);
}

}  // namespace
}  // namespace srtgw::engine
