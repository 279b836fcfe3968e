#include "net/address.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>

#include <cstring>
#include <fmt/format.h>

namespace srtgw::net {

using core::Errc;
using core::makeError;

core::Result<sockaddr_storage> resolve(std::string_view host, uint16_t port) {
  sockaddr_storage out{};
  std::string h(host);
  if (!h.empty() && h.front() == '[' && h.back() == ']') {
    h = h.substr(1, h.size() - 2);
  }
  if (h.empty() || h == "0.0.0.0") {
    auto* in = reinterpret_cast<sockaddr_in*>(&out);
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    in->sin_addr.s_addr = htonl(INADDR_ANY);
    return out;
  }
  auto* in4 = reinterpret_cast<sockaddr_in*>(&out);
  if (inet_pton(AF_INET, h.c_str(), &in4->sin_addr) == 1) {
    in4->sin_family = AF_INET;
    in4->sin_port = htons(port);
    return out;
  }
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&out);
  if (inet_pton(AF_INET6, h.c_str(), &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    return out;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(h.c_str(), nullptr, &hints, &res);
  if (rc != 0 || res == nullptr) {
    return makeError(Errc::kInvalidArgument,
                     fmt::format("cannot resolve host '{}': {}", h, gai_strerror(rc)), "host");
  }
  std::memcpy(&out, res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  if (out.ss_family == AF_INET6) {
    in6->sin6_port = htons(port);
  } else {
    in4->sin_port = htons(port);
  }
  return out;
}

bool isNumericAddress(std::string_view host) {
  std::string h(host);
  in6_addr buf{};
  return inet_pton(AF_INET, h.c_str(), &buf) == 1 || inet_pton(AF_INET6, h.c_str(), &buf) == 1;
}

std::string formatHost(const sockaddr_storage& addr) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&addr)->sin_addr, buf, sizeof buf);
  } else if (addr.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_addr, buf, sizeof buf);
  }
  return buf;
}

uint16_t portOf(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET) {
    return ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
  }
  if (addr.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
  }
  return 0;
}

std::string formatAddress(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET) {
    return fmt::format("{}:{}", formatHost(addr), portOf(addr));
  }
  if (addr.ss_family == AF_INET6) {
    return fmt::format("[{}]:{}", formatHost(addr), portOf(addr));
  }
  return {};
}

bool isMulticast(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET) {
    return IN_MULTICAST(ntohl(reinterpret_cast<const sockaddr_in*>(&addr)->sin_addr.s_addr));
  }
  if (addr.ss_family == AF_INET6) {
    return IN6_IS_ADDR_MULTICAST(&reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_addr);
  }
  return false;
}

bool isAny(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET) {
    return reinterpret_cast<const sockaddr_in*>(&addr)->sin_addr.s_addr == htonl(INADDR_ANY);
  }
  if (addr.ss_family == AF_INET6) {
    return IN6_IS_ADDR_UNSPECIFIED(&reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_addr);
  }
  return true;
}

core::Result<Interface> findInterface(std::string_view name_or_address) {
  std::string key(name_or_address);
  in_addr wanted{};
  bool by_address = inet_pton(AF_INET, key.c_str(), &wanted) == 1;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    return makeError(Errc::kIo, fmt::format("getifaddrs: {}", std::strerror(errno)));
  }
  Interface found;
  bool matched = false;
  for (ifaddrs* it = list; it != nullptr; it = it->ifa_next) {
    if (it->ifa_name == nullptr) {
      continue;
    }
    bool is_v4 = it->ifa_addr != nullptr && it->ifa_addr->sa_family == AF_INET;
    in_addr a = is_v4 ? reinterpret_cast<sockaddr_in*>(it->ifa_addr)->sin_addr : in_addr{};
    bool hit = by_address ? (is_v4 && a.s_addr == wanted.s_addr) : key == it->ifa_name;
    if (hit) {
      found.name = it->ifa_name;
      found.index = if_nametoindex(it->ifa_name);
      if (is_v4 && found.ipv4.s_addr == 0) {
        found.ipv4 = a;
      }
      matched = true;
    }
  }
  freeifaddrs(list);
  if (!matched) {
    return makeError(Errc::kInvalidArgument,
                     fmt::format("no network interface '{}' on this host", key), "interface");
  }
  return found;
}

}  // namespace srtgw::net
