// The engine in-process, over loopback with real sockets and libsrt: fan-out, bit-exactness,
// runtime changes without interruption.

#include "engine/engine.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "core/clock.hpp"
#include "engine/url.hpp"
#include "net/fd.hpp"
#include "support/process.hpp"
#include "support/udp_peers.hpp"

namespace srtgw::engine {
namespace {

using namespace std::chrono_literals;
using test::UdpSink;
using test::UdpSource;
using test::waitUntil;

InputSpec input(const std::string& id, const std::string& url) {
  auto ep = parseEndpointUrl(url);
  EXPECT_TRUE(ep.ok()) << url;
  return InputSpec{id, id, *ep};
}

OutputSpec output(const std::string& id, const std::string& in, const std::string& url) {
  auto ep = parseEndpointUrl(url);
  EXPECT_TRUE(ep.ok()) << url;
  return OutputSpec{id, in, id, *ep};
}

const EndpointStats* findOutput(const EngineStats& s, const std::string& id) {
  for (const auto& in : s.inputs) {
    for (const auto& o : in.outputs) {
      if (o.id == id) {
        return &o;
      }
    }
  }
  return nullptr;
}

const InputStats* findInput(const EngineStats& s, const std::string& id) {
  for (const auto& in : s.inputs) {
    if (in.id == id) {
      return &in;
    }
  }
  return nullptr;
}

uint16_t inputPort(Engine& e, const std::string& id) {
  return findInput(*e.sampleNow(), id)->local_port;
}

TEST(Engine, UdpFanOutIsBitExactAndSurvivesOutputChanges) {
  Engine eng(EngineConfig{});
  ASSERT_TRUE(eng.addInput(input("in", "udp://127.0.0.1:0")).ok());
  UdpSink a;
  UdpSink b;
  UdpSink c;
  ASSERT_TRUE(eng.addOutput(output("a", "in", "udp://127.0.0.1:" + std::to_string(a.port()))).ok());
  ASSERT_TRUE(eng.addOutput(output("b", "in", "udp://127.0.0.1:" + std::to_string(b.port()))).ok());

  const std::string data = test::makeSequenceTs(7 * 3000);  // 3000 datagrams
  UdpSource src("127.0.0.1", inputPort(eng, "in"), data, 20.0);
  // Change the set of outputs while packets flow: add c, remove b.
  ASSERT_TRUE(waitUntil([&] { return a.datagrams() > 500; }, 10s));
  ASSERT_TRUE(eng.addOutput(output("c", "in", "udp://127.0.0.1:" + std::to_string(c.port()))).ok());
  ASSERT_TRUE(waitUntil([&] { return a.datagrams() > 1500; }, 10s));
  ASSERT_TRUE(eng.removeOutput("b").ok());
  src.join();
  ASSERT_TRUE(waitUntil([&] { return a.bytes() == data.size(); }, 10s)) << a.bytes();
  // The untouched output saw every byte, in order, across both changes.
  EXPECT_TRUE(a.data() == data);
  // b got a clean prefix, c a clean suffix: whole datagrams, nothing garbled.
  const std::string bd = b.data();
  const std::string cd = c.data();
  EXPECT_GT(bd.size(), 0u);
  EXPECT_GT(cd.size(), 0u);
  EXPECT_TRUE(data.compare(0, bd.size(), bd) == 0);
  EXPECT_TRUE(data.compare(data.size() - cd.size(), cd.size(), cd) == 0);

  auto snap = eng.sampleNow();
  EXPECT_EQ(findInput(*snap, "in")->packets, 3000u);
  EXPECT_EQ(findOutput(*snap, "a")->packets, 3000u);
  EXPECT_EQ(findOutput(*snap, "a")->dropped, 0u);
  EXPECT_EQ(findOutput(*snap, "b"), nullptr);
}

TEST(Engine, SrtListenerOutputToSrtCallerInputIsBitExact) {
  Engine sender(EngineConfig{});
  ASSERT_TRUE(sender.addInput(input("in", "udp://127.0.0.1:0")).ok());
  ASSERT_TRUE(sender.addOutput(output("srt", "in", "srt://127.0.0.1:0?mode=listener")).ok());
  const uint16_t srt_port = findOutput(*sender.sampleNow(), "srt")->local_port;
  ASSERT_NE(srt_port, 0);

  Engine receiver(EngineConfig{});
  UdpSink sink;
  ASSERT_TRUE(receiver.addInput(input("pull", "srt://127.0.0.1:" + std::to_string(srt_port))).ok());
  ASSERT_TRUE(
      receiver.addOutput(output("udp", "pull", "udp://127.0.0.1:" + std::to_string(sink.port())))
          .ok());
  ASSERT_TRUE(waitUntil(
      [&] { return findOutput(*sender.sampleNow(), "srt")->connected_clients == 1; }, 10s));
  ASSERT_TRUE(waitUntil(
      [&] { return findInput(*receiver.sampleNow(), "pull")->state == StreamState::kConnected; },
      10s));

  const std::string data = test::makeSequenceTs(7 * 2000);
  UdpSource src("127.0.0.1", inputPort(sender, "in"), data, 10.0);
  src.join();
  ASSERT_TRUE(waitUntil([&] { return sink.bytes() == data.size(); }, 10s)) << sink.bytes();
  EXPECT_TRUE(sink.data() == data);

  auto snap = sender.sampleNow();
  const auto* out = findOutput(*snap, "srt");
  ASSERT_EQ(out->clients.size(), 1u);
  EXPECT_EQ(out->clients[0].packets, 2000u);
  ASSERT_TRUE(out->clients[0].srt.has_value());
  EXPECT_GE(out->clients[0].srt->packets_sent, 2000);
  auto rsnap = receiver.sampleNow();
  ASSERT_TRUE(findInput(*rsnap, "pull")->srt.has_value());
  EXPECT_GE(findInput(*rsnap, "pull")->srt->packets_received, 2000);
}

// An output's socket only sends: libsrt's receive-side sizes (~0.75 MB per connection) are
// cut to its floor and the send buffer raised (srt::outputDefaults); inputs keep libsrt's.
TEST(Engine, SrtOutputsAreSizedToSendAndInputsToReceive) {
  Engine receiver(EngineConfig{});
  ASSERT_TRUE(receiver.addInput(input("push", "srt://127.0.0.1:0?mode=listener")).ok());
  const uint16_t push_port = findInput(*receiver.sampleNow(), "push")->local_port;
  ASSERT_NE(push_port, 0);

  Engine sender(EngineConfig{});
  ASSERT_TRUE(sender.addInput(input("in", "udp://127.0.0.1:0")).ok());
  ASSERT_TRUE(sender.addOutput(output("lis", "in", "srt://127.0.0.1:0?mode=listener")).ok());
  ASSERT_TRUE(
      sender.addOutput(output("cal", "in", "srt://127.0.0.1:" + std::to_string(push_port))).ok());
  const uint16_t lis_port = findOutput(*sender.sampleNow(), "lis")->local_port;
  ASSERT_TRUE(receiver.addInput(input("pull", "srt://127.0.0.1:" + std::to_string(lis_port))).ok());
  UdpSink via_listener;
  UdpSink via_caller;
  ASSERT_TRUE(receiver
                  .addOutput(output("u1", "pull",
                                    "udp://127.0.0.1:" + std::to_string(via_listener.port())))
                  .ok());
  ASSERT_TRUE(
      receiver
          .addOutput(output("u2", "push", "udp://127.0.0.1:" + std::to_string(via_caller.port())))
          .ok());
  ASSERT_TRUE(waitUntil(
      [&] {
        auto s = receiver.sampleNow();
        return findInput(*s, "pull")->state == StreamState::kConnected &&
               findInput(*s, "push")->state == StreamState::kConnected;
      },
      10s));

  const std::string data = test::makeSequenceTs(7 * 2000);
  UdpSource src("127.0.0.1", inputPort(sender, "in"), data, 10.0);
  src.join();
  ASSERT_TRUE(waitUntil([&] { return via_listener.bytes() == data.size(); }, 10s))
      << via_listener.bytes();
  ASSERT_TRUE(waitUntil([&] { return via_caller.bytes() == data.size(); }, 10s))
      << via_caller.bytes();
  EXPECT_TRUE(via_listener.data() == data);
  EXPECT_TRUE(via_caller.data() == data);

  // libsrt reports its buffers in packets of 1,500 bytes: 32 of them is its floor, 8,192 its
  // default receive buffer; 50 MB of send buffer is ~33,000.
  constexpr int64_t kFloor = 32 * 1500;
  constexpr int64_t kDefaultRcv = 8192 * 1500;
  auto snap = sender.sampleNow();
  const auto* lis = findOutput(*snap, "lis");
  ASSERT_EQ(lis->clients.size(), 1u);
  ASSERT_TRUE(lis->clients[0].srt.has_value());
  EXPECT_LE(lis->clients[0].srt->receive_buffer_available_bytes, kFloor);
  EXPECT_GT(lis->clients[0].srt->send_buffer_available_bytes, 40'000'000);
  const auto* cal = findOutput(*snap, "cal");
  ASSERT_TRUE(cal->srt.has_value());
  EXPECT_LE(cal->srt->receive_buffer_available_bytes, kFloor);
  EXPECT_GT(cal->srt->send_buffer_available_bytes, 40'000'000);
  auto rsnap = receiver.sampleNow();
  for (const char* id : {"pull", "push"}) {
    const auto* in = findInput(*rsnap, id);
    ASSERT_TRUE(in->srt.has_value()) << id;
    EXPECT_GT(in->srt->receive_buffer_available_bytes, kDefaultRcv / 2) << id;
  }
}

TEST(Engine, ListenerInputRejectsASecondPublisherWithAReason) {
  Engine gw(EngineConfig{});
  ASSERT_TRUE(gw.addInput(input("in", "srt://127.0.0.1:0?mode=listener")).ok());
  const std::string target = "srt://127.0.0.1:" + std::to_string(inputPort(gw, "in"));

  Engine first(EngineConfig{});
  ASSERT_TRUE(first.addInput(input("src", "udp://127.0.0.1:0")).ok());
  ASSERT_TRUE(first.addOutput(output("push", "src", target)).ok());
  ASSERT_TRUE(waitUntil(
      [&] { return findInput(*gw.sampleNow(), "in")->state == StreamState::kConnected; }, 10s));

  Engine second(EngineConfig{});
  ASSERT_TRUE(second.addInput(input("src", "udp://127.0.0.1:0")).ok());
  ASSERT_TRUE(second.addOutput(output("push", "src", target)).ok());
  std::string message;
  ASSERT_TRUE(waitUntil(
      [&] {
        auto* o = findOutput(*second.sampleNow(), "push");
        message = o->error_message;
        return o->state == StreamState::kError;
      },
      10s));
  EXPECT_NE(message.find("1409"), std::string::npos) << message;
  EXPECT_GE(findInput(*gw.sampleNow(), "in")->rejected, 1u);
  // The first publisher is untouched.
  EXPECT_EQ(findInput(*gw.sampleNow(), "in")->state, StreamState::kConnected);
  EXPECT_EQ(findOutput(*first.sampleNow(), "push")->state, StreamState::kConnected);
}

TEST(Engine, UpdatingAnInputKeepsItsListenerOutputClients) {
  Engine gw(EngineConfig{});
  ASSERT_TRUE(gw.addInput(input("in", "udp://127.0.0.1:0")).ok());
  ASSERT_TRUE(gw.addOutput(output("srt", "in", "srt://127.0.0.1:0?mode=listener")).ok());
  const uint16_t srt_port = findOutput(*gw.sampleNow(), "srt")->local_port;

  Engine rx(EngineConfig{});
  UdpSink sink;
  ASSERT_TRUE(rx.addInput(input("pull", "srt://127.0.0.1:" + std::to_string(srt_port))).ok());
  ASSERT_TRUE(rx.addOutput(output("u", "pull", "udp://127.0.0.1:" + std::to_string(sink.port()))).ok());
  // Both ends must have seen the connection: the listener accepts it before the caller's
  // worker has handled its own "connected" event.
  ASSERT_TRUE(waitUntil(
      [&] {
        return findOutput(*gw.sampleNow(), "srt")->connected_clients == 1 &&
               findInput(*rx.sampleNow(), "pull")->connects == 1u;
      },
      10s));

  // Move the input to another port: the listener output and its client stay connected.
  ASSERT_TRUE(gw.updateInput(input("in", "udp://127.0.0.1:0")).ok());
  const uint16_t new_port = inputPort(gw, "in");
  auto snap = gw.sampleNow();
  EXPECT_EQ(findOutput(*snap, "srt")->connected_clients, 1);
  EXPECT_EQ(findOutput(*snap, "srt")->connects, 1u);
  EXPECT_EQ(findInput(*rx.sampleNow(), "pull")->connects, 1u);

  const std::string data = test::makeSequenceTs(7 * 500);
  UdpSource src("127.0.0.1", new_port, data, 10.0);
  src.join();
  ASSERT_TRUE(waitUntil([&] { return sink.bytes() == data.size(); }, 10s)) << sink.bytes();
  EXPECT_TRUE(sink.data() == data);
}

// The read hold follows the outputs: long while they are all SRT (the receivers' TSBPD
// restores the spacing), short as soon as a UDP output would pass the bursts on.
TEST(Engine, UdpInputReadHoldFollowsItsOutputs) {
  Engine eng(EngineConfig{});
  ASSERT_TRUE(eng.addInput(input("in", "udp://127.0.0.1:0")).ok());
  EXPECT_EQ(findInput(*eng.sampleNow(), "in")->read_hold_us, kDefaultUdpCoalesceUs);
  ASSERT_TRUE(eng.addOutput(output("srt", "in", "srt://:0?mode=listener")).ok());
  EXPECT_EQ(findInput(*eng.sampleNow(), "in")->read_hold_us, kDefaultSrtCoalesceUs);
  ASSERT_TRUE(eng.addOutput(output("low", "in", "srt://:0?mode=listener&latency=40")).ok());
  EXPECT_EQ(findInput(*eng.sampleNow(), "in")->read_hold_us, 40 * 1000 / kSrtLatencyShareDivisor);
  ASSERT_TRUE(eng.addOutput(output("udp", "in", "udp://127.0.0.1:9")).ok());
  EXPECT_EQ(findInput(*eng.sampleNow(), "in")->read_hold_us, kDefaultUdpCoalesceUs);
  ASSERT_TRUE(eng.removeOutput("udp").ok());
  EXPECT_EQ(findInput(*eng.sampleNow(), "in")->read_hold_us, 40 * 1000 / kSrtLatencyShareDivisor);
}

// A stream that arrives about one datagram per read hold is not read later and later: a
// datagram that waited out a hold in the socket buffer starts the next hold from when it
// arrived (its kernel timestamp), so the next datagram, arriving after that hold, is read
// at once. Counted from the wake-up, it would wait almost a whole hold again.
TEST(Engine, AHeldDatagramDoesNotDelayTheNextOneByAnotherHold) {
  constexpr int kHoldUs = 150'000;
  EngineConfig cfg;
  cfg.udp_coalesce_us = kHoldUs;
  Engine eng(cfg);
  ASSERT_TRUE(eng.addInput(input("in", "udp://127.0.0.1:0")).ok());
  UdpSink sink;
  ASSERT_TRUE(eng.addOutput(output("out", "in", "udp://127.0.0.1:" + std::to_string(sink.port()))).ok());

  const net::Fd sock(::socket(AF_INET, SOCK_DGRAM, 0));
  ASSERT_TRUE(sock.valid());
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(inputPort(eng, "in"));
  const std::string datagram = test::makeSequenceTs(7);
  // Sends one datagram once the previous one came out; returns its send time.
  auto sendNext = [&](size_t delivered) {
    EXPECT_TRUE(waitUntil([&] { return sink.datagrams() == delivered; }, 5s));
    const int64_t at = core::steadyNowNs();
    EXPECT_EQ(::sendto(sock.get(), datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
              static_cast<ssize_t>(datagram.size()));
    return at;
  };
  sendNext(0);                     // read at once; its hold starts
  const int64_t b = sendNext(1);   // arrives inside that hold: waits for its end
  const int64_t c = sendNext(2);   // arrives after b's own hold would be over
  ASSERT_TRUE(waitUntil([&] { return sink.datagrams() == 3; }, 5s));
  const std::vector<int64_t> arrivals = sink.arrivalTimesNs();
  ASSERT_EQ(arrivals.size(), 3u);
  const int64_t hold_ns = int64_t{kHoldUs} * 1000;
  EXPECT_GT(arrivals[1] - b, hold_ns / 2) << "the second datagram was not held at all";
  EXPECT_LT(arrivals[2] - c, hold_ns / 2) << "the third datagram waited for another hold";
}

TEST(Engine, FailedUpdateRestoresTheRunningInput) {
  Engine gw(EngineConfig{});
  ASSERT_TRUE(gw.addInput(input("a", "udp://127.0.0.1:0")).ok());
  const int b_port = test::freeUdpPort();
  ASSERT_TRUE(gw.addInput(input("b", "udp://127.0.0.1:" + std::to_string(b_port))).ok());
  const uint16_t a_port = inputPort(gw, "a");
  // b may not take a's port: the update fails, and b keeps running where it was.
  auto r = gw.updateInput(input("b", "udp://127.0.0.1:" + std::to_string(a_port)));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::Errc::kAddressInUse);
  EXPECT_EQ(inputPort(gw, "b"), b_port);
  EXPECT_EQ(findInput(*gw.sampleNow(), "b")->state, StreamState::kListening);
}

TEST(Engine, RejectsDuplicatesAndUnknownIds) {
  Engine gw(EngineConfig{});
  ASSERT_TRUE(gw.addInput(input("a", "udp://127.0.0.1:0")).ok());
  EXPECT_EQ(gw.addInput(input("a", "udp://127.0.0.1:0")).error().code, core::Errc::kConflict);
  EXPECT_EQ(gw.addOutput(output("o", "zzz", "udp://127.0.0.1:9")).error().code,
            core::Errc::kNotFound);
  EXPECT_EQ(gw.removeInput("zzz").error().code, core::Errc::kNotFound);
  EXPECT_EQ(gw.removeOutput("zzz").error().code, core::Errc::kNotFound);
  EXPECT_EQ(gw.addInput(input("bad", "srt://:9000?passphrase=short")).error().field, "passphrase");
}

}  // namespace
}  // namespace srtgw::engine
