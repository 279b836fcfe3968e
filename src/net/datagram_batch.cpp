#include "net/datagram_batch.hpp"

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
    hdrs_[i].msg_hdr.msg_flags = 0;
    hdrs_[i].msg_len = 0;
  }
  return hdrs_.data();
}

}  // namespace srtgw::net
