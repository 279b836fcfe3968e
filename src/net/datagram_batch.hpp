#pragma once
// A fixed set of datagram buffers, allocated once, filled by recvmmsg (or SRT reads) and
// handed to every output of an input. The hot path never allocates.

#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <cstddef>
#include <cstdint>

namespace srtgw::net {

class DatagramBatch {
 public:
  static constexpr int kCapacity = 64;
  // Larger than any SRT payload (1456) and an Ethernet frame; bigger UDP datagrams are
  // truncated and counted.
  static constexpr int kSlotSize = 2048;

  DatagramBatch();
  DatagramBatch(const DatagramBatch&) = delete;
  DatagramBatch& operator=(const DatagramBatch&) = delete;

  int size() const { return size_; }
  void setSize(int n) { size_ = n; }
  uint8_t* slot(int i) { return slots_[static_cast<size_t>(i)].data(); }
  const uint8_t* data(int i) const { return slots_[static_cast<size_t>(i)].data(); }
  int length(int i) const { return static_cast<int>(iov_[static_cast<size_t>(i)].iov_len); }
  void setLength(int i, int n) { iov_[static_cast<size_t>(i)].iov_len = static_cast<size_t>(n); }
  /// The iovec of slot i, pointing at its data with its current length.
  iovec* iov(int i) { return &iov_[static_cast<size_t>(i)]; }
  /// recvmmsg headers, reset to full slot size before each receive.
  mmsghdr* recvHeaders();

 private:
  std::array<std::array<uint8_t, kSlotSize>, kCapacity> slots_;
  std::array<iovec, kCapacity> iov_{};
  std::array<mmsghdr, kCapacity> hdrs_{};
  int size_ = 0;
};

}  // namespace srtgw::net
