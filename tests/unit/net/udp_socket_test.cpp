#include "net/udp_socket.hpp"

#include <gtest/gtest.h>
#include <poll.h>

#include <cstring>

#include "net/address.hpp"

namespace srtgw::net {
namespace {

TEST(UdpSocket, BatchRoundTripIsBitExact) {
  UdpReceiverConfig rc;
  rc.address = *resolve("127.0.0.1", 0);
  auto rx = UdpSocket::openReceiver(rc);
  ASSERT_TRUE(rx.ok()) << rx.error().message;
  EXPECT_GE(rx->bufferSize(), 1 << 20) << "large receive buffer expected";

  UdpSenderConfig sc;
  sc.destination = *resolve("127.0.0.1", rx->localPort());
  auto tx = UdpSocket::openSender(sc);
  ASSERT_TRUE(tx.ok()) << tx.error().message;

  DatagramBatch out;
  for (int i = 0; i < 10; ++i) {
    std::memset(out.slot(i), i + 1, 1316);
    out.setLength(i, 1316 - i);
  }
  out.setSize(10);
  EXPECT_EQ(tx->send(out), 10);

  DatagramBatch in;
  int got = 0;
  int truncated = 0;
  while (got < 10) {
    pollfd p{rx->fd(), POLLIN, 0};
    ASSERT_GT(::poll(&p, 1, 2000), 0);
    int n = rx->receive(in, truncated);
    for (int i = 0; i < n; ++i) {
      ASSERT_EQ(in.length(i), 1316 - (got + i));
      ASSERT_EQ(std::memcmp(in.data(i), out.data(got + i), static_cast<size_t>(in.length(i))), 0);
    }
    got += n;
  }
  EXPECT_EQ(truncated, 0);
}

TEST(UdpSocket, BindingATakenPortSaysAddressInUse) {
  UdpReceiverConfig rc;
  rc.address = *resolve("127.0.0.1", 0);
  auto first = UdpSocket::openReceiver(rc);
  ASSERT_TRUE(first.ok());
  rc.address = *resolve("127.0.0.1", first->localPort());
  auto second = UdpSocket::openReceiver(rc);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, core::Errc::kAddressInUse);
}

}  // namespace
}  // namespace srtgw::net
