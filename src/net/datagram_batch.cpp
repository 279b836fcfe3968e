#include "net/datagram_batch.hpp"

#include <cstring>

namespace srtgw::net {

DatagramBatch::DatagramBatch() {
  for (size_t i = 0; i < kCapacity; ++i) {
    iov_[i].iov_base = slots_[i].data();
    iov_[i].iov_len = kSlotSize;
    hdrs_[i].msg_hdr.msg_iov = &iov_[i];
    hdrs_[i].msg_hdr.msg_iovlen = 1;
  }
}

mmsghdr* DatagramBatch::recvHeaders() {
  for (size_t i = 0; i < kCapacity; ++i) {
    iov_[i].iov_len = kSlotSize;
    hdrs_[i].msg_hdr.msg_control = control_[i].bytes;
    hdrs_[i].msg_hdr.msg_controllen = kControlSize;
    hdrs_[i].msg_hdr.msg_flags = 0;
    hdrs_[i].msg_len = 0;
  }
  return hdrs_.data();
}

int64_t DatagramBatch::kernelRxTimeNs(int i) const {
  // The headers are ours and were filled by the last recvmmsg; CMSG_NXTHDR wants them
  // mutable, though it only reads.
  auto* h = const_cast<msghdr*>(&hdrs_[static_cast<size_t>(i)].msg_hdr);
  for (cmsghdr* c = CMSG_FIRSTHDR(h); c != nullptr; c = CMSG_NXTHDR(h, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
      timespec ts{};
      std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
      return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
    }
  }
  return 0;
}

}  // namespace srtgw::net
