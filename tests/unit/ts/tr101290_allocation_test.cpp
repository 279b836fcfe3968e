// onPacket must not allocate once the tables are known: counts every operator new in this
// test binary (the replacement is global) while a steady stream is analyzed.

#include <atomic>
#include <cstdlib>
#include <new>

#include "analyzer_test_support.hpp"

namespace {
std::atomic<uint64_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) {
    return p;
  }
  throw std::bad_alloc();
}
// GCC cannot tell that this operator delete pairs with the operator new above.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
#pragma GCC diagnostic pop
void operator delete(void* p, std::size_t) noexcept { ::operator delete(p); }

namespace srtgw::ts::testing {
namespace {

TEST(Tr101290Allocation, SteadyStateDoesNotAllocate) {
  GeneratorConfig cfg;
  cfg.duration_ns = 6'000'000'000;
  cfg.with_cat = true;
  const TsStream s = generateStream(cfg);
  Tr101290Analyzer a;
  const size_t warm = s.size() / 6;  // one second: tables, watches and windows in place
  for (size_t i = 0; i < warm; ++i) {
    a.onPacket(s.packets[i].bytes, s.arrival_ns[i]);
  }
  const uint64_t before = g_allocations.load();
  for (size_t i = warm; i < s.size(); ++i) {
    a.onPacket(s.packets[i].bytes, s.arrival_ns[i]);
  }
  a.tick(s.arrival_ns.back() + 5'000'000'000);
  EXPECT_EQ(g_allocations.load() - before, 0U);
  EXPECT_EQ(nonZero(a.snapshot()), (std::map<std::string, uint64_t>{}));
}

}  // namespace
}  // namespace srtgw::ts::testing
