// srtgw-bench-stall: how long this machine's CPUs stop running what is ready to run.
//
// One thread per CPU, pinned to it, sleeps 1 ms at a time and records by how much each
// wake-up came late. With SCHED_FIFO (root) the thread preempts every normal process at
// once, so a late wake-up means the CPU itself did not run: the hypervisor took the vCPU
// away, or interrupts held it. The benchmarks run it beside each measurement so that a
// point disturbed by the host can be told from one disturbed by the software measured.
// Without the right to SCHED_FIFO it runs at normal priority and says so ("rt": false);
// its figures then include waiting behind busy processes.
//
// Prints one JSON object at the end (after --seconds, or at SIGTERM/SIGINT). `away_ms`: the
// lateness beyond 1 ms summed over a CPU's wake-ups, the time it was away; `max_away_pct`:
// the largest share of the elapsed time any CPU was away.

#include <pthread.h>
#include <sched.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "bench_common.hpp"

namespace {

using srtgw::bench::monoNs;

std::atomic<bool> g_stop{false};

void onSignal(int) { g_stop.store(true); }

struct CpuFigures {
  int cpu = 0;
  bool pinned = false;
  uint64_t wakes = 0;
  uint64_t max_late_ns = 0;
  uint64_t over_1ms = 0;
  uint64_t over_5ms = 0;
  uint64_t over_20ms = 0;
  uint64_t late_ns_total = 0;  // sum of lateness beyond 1 ms: time the CPU was away
  std::vector<std::pair<uint64_t, uint64_t>> away;  // --events: [due, woke] of late wake-ups
};

void watchCpu(CpuFigures& f, uint64_t period_ns, uint64_t end_ns) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(f.cpu, &set);
  f.pinned = pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
  const timespec nap{0, static_cast<long>(period_ns)};
  while (!g_stop.load(std::memory_order_relaxed)) {
    const uint64_t before = monoNs();
    if (before >= end_ns) {
      break;
    }
    nanosleep(&nap, nullptr);
    const uint64_t slept = monoNs() - before;
    const uint64_t late = slept > period_ns ? slept - period_ns : 0;
    ++f.wakes;
    if (late > f.max_late_ns) {
      f.max_late_ns = late;
    }
    if (late > 1'000'000) {
      ++f.over_1ms;
      if (f.away.size() < f.away.capacity()) {
        f.away.emplace_back(before + period_ns, before + slept);
      }
      f.late_ns_total += late - 1'000'000;
    }
    if (late > 5'000'000) {
      ++f.over_5ms;
    }
    if (late > 20'000'000) {
      ++f.over_20ms;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const char* prog = "srtgw-bench-stall";
  double seconds = 3600;
  double period_us = 1000;
  std::string events_path;
  long rt_priority = 1;
  srtgw::bench::ArgCursor args(prog, argc, argv);
  while (args.next()) {
    const std::string_view a = args.option();
    if (a == "--seconds") {
      seconds = args.doubleValue();
    } else if (a == "--period-us") {
      period_us = args.doubleValue();
    } else if (a == "--rt-priority") {
      rt_priority = args.longValue();
    } else if (a == "--events") {
      events_path = args.value();
    } else {
      std::fprintf(stderr,
                   "usage: %s [--seconds 3600] [--period-us 1000] [--events PATH] [--rt-priority 1]\n"
                   "Measures how late a pinned thread per CPU wakes up from short sleeps\n"
                   "(SCHED_FIFO when allowed). Prints JSON at the end or at SIGTERM. --events writes\n"
                   "\"cpu due_ms woke_ms\" (CLOCK_MONOTONIC) for each wake-up over 1 ms late. Give\n"
                   "--rt-priority above any real-time process being measured beside it.\n",
                   prog);
      return 2;
    }
  }
  if (seconds <= 0 || period_us < 100) {
    srtgw::bench::die(prog, "--seconds must be > 0 and --period-us >= 100");
  }
  if (rt_priority < 1 || rt_priority > 99) {
    srtgw::bench::die(prog, "--rt-priority must be 1..99");
  }
  signal(SIGTERM, onSignal);
  signal(SIGINT, onSignal);

  sched_param rt{};
  rt.sched_priority = rt_priority;
  const bool is_rt = sched_setscheduler(0, SCHED_FIFO, &rt) == 0;  // threads inherit it

  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  sched_getaffinity(0, sizeof allowed, &allowed);
  std::vector<CpuFigures> figures;
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (CPU_ISSET(c, &allowed)) {
      figures.push_back(CpuFigures{});
      figures.back().cpu = c;
      figures.back().away.reserve(events_path.empty() ? 0 : 200000);
    }
  }
  const uint64_t period_ns = static_cast<uint64_t>(period_us * 1000);
  const uint64_t start_ns = monoNs();
  const uint64_t end_ns = start_ns + static_cast<uint64_t>(seconds * 1e9);
  {
    std::vector<std::jthread> threads;
    for (auto& f : figures) {
      threads.emplace_back([&f, period_ns, end_ns] { watchCpu(f, period_ns, end_ns); });
    }
  }

  const double elapsed_ms = static_cast<double>(monoNs() - start_ns) / 1e6;
  if (!events_path.empty()) {
    if (FILE* ev = std::fopen(events_path.c_str(), "w")) {
      for (const auto& f : figures) {
        for (const auto& [due, woke] : f.away) {
          std::fprintf(ev, "%d %.3f %.3f\n", f.cpu, static_cast<double>(due) / 1e6, static_cast<double>(woke) / 1e6);
        }
      }
      std::fclose(ev);
    }
  }
  uint64_t max_late = 0;
  double max_away_pct = 0;
  std::string cpus;
  for (const auto& f : figures) {
    max_late = f.max_late_ns > max_late ? f.max_late_ns : max_late;
    const double away_pct = elapsed_ms > 0 ? static_cast<double>(f.late_ns_total) / 1e4 / elapsed_ms : 0;
    max_away_pct = away_pct > max_away_pct ? away_pct : max_away_pct;
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  "%s{\"cpu\":%d,\"pinned\":%s,\"wakes\":%llu,\"max_late_ms\":%.3f,\"over_1ms\":%llu,"
                  "\"over_5ms\":%llu,\"over_20ms\":%llu,\"away_ms\":%.1f}",
                  cpus.empty() ? "" : ",", f.cpu, f.pinned ? "true" : "false",
                  static_cast<unsigned long long>(f.wakes), static_cast<double>(f.max_late_ns) / 1e6,
                  static_cast<unsigned long long>(f.over_1ms), static_cast<unsigned long long>(f.over_5ms),
                  static_cast<unsigned long long>(f.over_20ms), static_cast<double>(f.late_ns_total) / 1e6);
    cpus += buf;
  }
  std::printf(
      "{\"rt\":%s,\"period_us\":%.0f,\"elapsed_ms\":%.1f,\"max_late_ms\":%.3f,\"max_away_pct\":%.3f,"
      "\"cpus\":[%s]}\n",
      is_rt ? "true" : "false", period_us, elapsed_ms, static_cast<double>(max_late) / 1e6, max_away_pct,
      cpus.c_str());
  return 0;
}
