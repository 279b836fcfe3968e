#pragma once
// A fixed set of datagram buffers, allocated once, filled by recvmmsg (or SRT reads) and
// handed to every output of an input. The hot path never allocates.

#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

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
  /// Also forgets the source times: a batch filled by anything but a timestamping UDP
  /// receive has none.
  void setSize(int n) {
    size_ = n;
    timed_ = false;
  }
  uint8_t* slot(int i) { return slots_[static_cast<size_t>(i)].data(); }
  const uint8_t* data(int i) const { return slots_[static_cast<size_t>(i)].data(); }
  int length(int i) const { return static_cast<int>(iov_[static_cast<size_t>(i)].iov_len); }
  void setLength(int i, int n) { iov_[static_cast<size_t>(i)].iov_len = static_cast<size_t>(n); }
  /// The iovec of slot i, pointing at its data with its current length.
  iovec* iov(int i) { return &iov_[static_cast<size_t>(i)]; }
  /// recvmmsg headers, reset to full slot size (and control space) before each receive.
  mmsghdr* recvHeaders();

  /// The kernel's receive time of slot i (CLOCK_REALTIME, ns; 0 when the kernel gave none),
  /// read from the control message of the last recvmmsg.
  int64_t kernelRxTimeNs(int i) const;

  /// Source times: when each datagram really arrived, on the SRT clock (microseconds),
  /// so that an SRT output stamps it with that time instead of the time it is handed over.
  bool timed() const { return timed_; }
  int64_t sourceTimeUs(int i) const { return source_us_[static_cast<size_t>(i)]; }
  void setSourceTimeUs(int i, int64_t us) { source_us_[static_cast<size_t>(i)] = us; }
  /// After setSourceTimeUs for every slot of this batch.
  /// `stamped_at_us`: the SRT clock when the source times were computed.
  void markTimed(int64_t stamped_at_us) {
    timed_ = true;
    stamped_at_us_ = stamped_at_us;
  }
  /// How long before the stamping datagram i arrived (microseconds; 0 when not timed).
  int64_t ageUs(int i) const {
    if (!timed_) {
      return 0;
    }
    const int64_t age = stamped_at_us_ - source_us_[static_cast<size_t>(i)];
    return age > 0 ? age : 0;
  }

 private:
  std::array<std::array<uint8_t, kSlotSize>, kCapacity> slots_;
  std::array<iovec, kCapacity> iov_{};
  std::array<mmsghdr, kCapacity> hdrs_{};
  // Room for one SCM_TIMESTAMPNS per datagram (and a little more, should the socket carry
  // another control message: it is then truncated, MSG_CTRUNC, and the time read anyway).
  static constexpr size_t kControlSize = CMSG_SPACE(sizeof(timespec)) + 32;
  struct alignas(cmsghdr) Control {
    char bytes[kControlSize];
  };
  std::array<Control, kCapacity> control_{};
  std::array<int64_t, kCapacity> source_us_{};
  int size_ = 0;
  bool timed_ = false;
  int64_t stamped_at_us_ = 0;
};

}  // namespace srtgw::net
