// Linked into every fuzz target: name lookups never ask DNS, so a fuzzed host name costs
// nothing and every run gives the same answer on every machine. "localhost" and names under
// the reserved ".test" domain (RFC 6761) resolve to 127.0.0.1 and 192.0.2.1, so the code
// after a successful lookup is reached too; every other name is unknown. Numeric addresses
// never get here (net::resolve tries inet_pton first).

#include <arpa/inet.h>
#include <netdb.h>

#include <cstdlib>
#include <cstring>
#include <string_view>

extern "C" int getaddrinfo(const char* node, const char* /*service*/,
                           const struct addrinfo* /*hints*/, struct addrinfo** res) {
  *res = nullptr;
  const std::string_view name = node == nullptr ? "" : node;
  const char* ip = nullptr;
  if (name == "localhost") {
    ip = "127.0.0.1";
  } else if (name.size() > 5 && name.ends_with(".test")) {
    ip = "192.0.2.1";
  } else {
    return EAI_NONAME;
  }
  auto* ai = static_cast<addrinfo*>(std::calloc(1, sizeof(addrinfo) + sizeof(sockaddr_in)));
  auto* sin = reinterpret_cast<sockaddr_in*>(ai + 1);
  sin->sin_family = AF_INET;
  inet_pton(AF_INET, ip, &sin->sin_addr);
  ai->ai_family = AF_INET;
  ai->ai_socktype = SOCK_DGRAM;
  ai->ai_addrlen = sizeof(sockaddr_in);
  ai->ai_addr = reinterpret_cast<sockaddr*>(sin);
  *res = ai;
  return 0;
}

extern "C" void freeaddrinfo(struct addrinfo* ai) { std::free(ai); }
