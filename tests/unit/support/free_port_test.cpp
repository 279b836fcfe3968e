// freeUdpPort() hands a test a port for a peer that cannot bind port 0. Tests run in parallel
// processes and often take several ports before binding any, so no port may be handed out
// twice while its first holder lives, in one process or across two.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <vector>

#include "support/process.hpp"

namespace srtgw::test {
namespace {

constexpr int kEach = 600;  // of 12,000 candidates: unclaimed, two sets would share ~10-30

bool readAll(int fd, void* buf, size_t n) {
  auto* p = static_cast<char*>(buf);
  while (n > 0) {
    const ssize_t got = ::read(fd, p, n);
    if (got <= 0) return false;
    p += got;
    n -= static_cast<size_t>(got);
  }
  return true;
}

TEST(FreeUdpPort, TwoLiveTestProcessesNeverGetTheSamePort) {
  int to_parent[2];
  int to_child[2];
  ASSERT_EQ(::pipe(to_parent), 0);
  ASSERT_EQ(::pipe(to_child), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::vector<int> ports(kEach);
    for (int& p : ports) p = freeUdpPort();
    const bool sent = ::write(to_parent[1], ports.data(), sizeof(int) * ports.size()) ==
                      static_cast<ssize_t>(sizeof(int) * ports.size());
    char go = 0;
    (void)!::read(to_child[0], &go, 1);  // live (and holding its ports) until the parent is done
    ::_exit(sent ? 0 : 1);
  }
  std::vector<int> theirs(kEach);
  const bool got = readAll(to_parent[0], theirs.data(), sizeof(int) * theirs.size());
  std::vector<int> mine(kEach);
  for (int& p : mine) p = freeUdpPort();
  (void)!::write(to_child[1], "x", 1);
  int status = 0;
  ::waitpid(child, &status, 0);
  for (int fd : {to_parent[0], to_parent[1], to_child[0], to_child[1]}) ::close(fd);
  ASSERT_TRUE(got);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  const std::set<int> their_set(theirs.begin(), theirs.end());
  const std::set<int> my_set(mine.begin(), mine.end());
  EXPECT_EQ(their_set.size(), static_cast<size_t>(kEach)) << "one process got a port twice";
  EXPECT_EQ(my_set.size(), static_cast<size_t>(kEach)) << "one process got a port twice";
  std::vector<int> shared;
  std::set_intersection(my_set.begin(), my_set.end(), their_set.begin(), their_set.end(),
                        std::back_inserter(shared));
  EXPECT_TRUE(shared.empty()) << shared.size() << " ports went to both processes, e.g. "
                              << (shared.empty() ? 0 : shared.front());
  EXPECT_EQ(std::count(mine.begin(), mine.end(), 0), 0);
}

}  // namespace
}  // namespace srtgw::test
