#include "control/system_info.hpp"

#include <dirent.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace srtgw::control {

ProcessInfo readProcessInfo() {
  ProcessInfo p;
  const long ticks = sysconf(_SC_CLK_TCK);
  const long page = sysconf(_SC_PAGESIZE);
  std::ifstream stat("/proc/self/stat");
  std::string line;
  std::getline(stat, line);
  // Fields after the command name (which may hold spaces) start after the last ')'.
  size_t close = line.rfind(')');
  if (close != std::string::npos) {
    std::istringstream in(line.substr(close + 2));
    std::string f;
    unsigned long long utime = 0;
    unsigned long long stime = 0;
    long long threads = 0;
    unsigned long long starttime = 0;
    for (int i = 3; i <= 22 && in >> f; ++i) {
      if (i == 14) utime = std::stoull(f);
      if (i == 15) stime = std::stoull(f);
      if (i == 20) threads = std::stoll(f);
      if (i == 22) starttime = std::stoull(f);
    }
    p.cpu_seconds = static_cast<double>(utime + stime) / static_cast<double>(ticks);
    p.threads = threads;
    double uptime = 0;
    if (std::ifstream up("/proc/uptime"); up >> uptime) {
      const double started_s_ago = uptime - static_cast<double>(starttime) / static_cast<double>(ticks);
      timespec now{};
      clock_gettime(CLOCK_REALTIME, &now);
      p.start_time_ms = static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1'000'000 -
                        static_cast<int64_t>(started_s_ago * 1000);
    }
  }
  std::ifstream statm("/proc/self/statm");
  long long size = 0;
  long long resident = 0;
  if (statm >> size >> resident) {
    p.rss_bytes = resident * page;
  }
  if (DIR* d = opendir("/proc/self/fd")) {
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] != '.') {
        ++p.open_fds;
      }
    }
    closedir(d);
    --p.open_fds;  // the directory stream itself
  }
  return p;
}

double CpuMeter::update(double cpu_seconds, int64_t now_ms) {
  if (last_ms_ != 0 && now_ms > last_ms_) {
    pct_ = (cpu_seconds - last_cpu_) * 100000.0 / static_cast<double>(now_ms - last_ms_);
  }
  last_cpu_ = cpu_seconds;
  last_ms_ = now_ms;
  return pct_;
}

}  // namespace srtgw::control
