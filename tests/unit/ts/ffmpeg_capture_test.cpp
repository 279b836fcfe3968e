// A real multiplexer's output: ffmpeg (a declared test dependency) writes 2 s of H.264 + AAC
// into a temporary directory; the analyzer must find the service and no error at all.
// Arrival times are what a PCR-paced sender would produce: interpolated between PCRs.

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "analyzer_test_support.hpp"

extern char** environ;  // NOLINT: posix_spawn wants it

namespace srtgw::ts::testing {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "srtgw-ts-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) != nullptr) {
      path_ = tmpl;
    }
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) {
      fs::remove_all(path_, ec);
    }
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Runs a program found on PATH; returns its exit status, or -1 when it could not start.
int run(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) {
    argv.push_back(const_cast<char*>(a.c_str()));  // NOLINT: posix_spawn's signature
  }
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (::posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
    return -1;
  }
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) {
    return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TsStream readTs(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
  TsStream s;
  for (size_t off = 0; off + kPacketSize <= bytes.size(); off += kPacketSize) {
    TsPacket p;
    std::memcpy(p.bytes, bytes.data() + off, kPacketSize);
    s.packets.push_back(p);
  }
  // Arrival times: linear between consecutive PCRs of the PCR PID (the first PID with a
  // PCR), extrapolated at both ends with the neighbouring rate.
  std::vector<size_t> at;
  int pcr_pid = -1;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.packets[i].hasPcr() && (pcr_pid < 0 || s.packets[i].pid() == pcr_pid)) {
      pcr_pid = s.packets[i].pid();
      at.push_back(i);
    }
  }
  s.arrival_ns.assign(s.size(), 0);
  if (at.size() < 2) {
    return s;
  }
  const int64_t base = 1'000'000'000;
  const auto ns = [&](size_t k) {
    return base + pcrTicksToNs(pcrDiff(s.packets[at[0]].pcr(), s.packets[at[k]].pcr()));
  };
  for (size_t i = 0; i < s.size(); ++i) {
    size_t k = 0;
    while (k + 2 < at.size() && at[k + 1] <= i) {
      ++k;
    }
    const double t0 = static_cast<double>(ns(k));
    const double t1 = static_cast<double>(ns(k + 1));
    const double f = (static_cast<double>(i) - static_cast<double>(at[k])) /
                     static_cast<double>(at[k + 1] - at[k]);
    s.arrival_ns[i] = static_cast<int64_t>(t0 + f * (t1 - t0));
  }
  return s;
}

// Encodes 2 s of test pattern + sine at the given frame rate into dir/name.
TsStream encode(const TempDir& dir, const std::string& name, int fps,
                const std::vector<std::string>& mux_options) {
  const fs::path out = dir.path() / name;
  std::vector<std::string> args = {
      "ffmpeg",       "-nostdin",
      "-hide_banner", "-loglevel",
      "error",        "-y",
      "-f",           "lavfi",
      "-i",           "testsrc2=size=320x240:rate=" + std::to_string(fps),
      "-f",           "lavfi",
      "-i",           "sine",
      "-t",           "2",
      "-c:v",         "libx264",
      "-preset",      "ultrafast",
      "-c:a",         "aac"};
  args.insert(args.end(), mux_options.begin(), mux_options.end());
  args.insert(args.end(), {"-f", "mpegts", out.string()});
  const int rc = run(args);
  EXPECT_NE(rc, -1) << "could not run ffmpeg: it is a declared test dependency "
                       "(Debian package ffmpeg), install it";
  EXPECT_EQ(rc, 0) << "ffmpeg failed";
  return rc == 0 ? readTs(out) : TsStream{};
}

void expectDescribed(const AnalysisSnapshot& snap) {
  EXPECT_TRUE(snap.is_ts);
  ASSERT_EQ(snap.programs.size(), 1U);
  const ProgramSnapshot& p = snap.programs[0];
  EXPECT_TRUE(p.pmt_seen);
  EXPECT_EQ(p.service_name, "Service01");
  EXPECT_EQ(p.provider_name, "FFmpeg");
  ASSERT_EQ(p.streams.size(), 2U);
  EXPECT_EQ(p.streams[0].codec, "H.264");
  EXPECT_EQ(p.streams[1].codec, "AAC (ADTS)");
  EXPECT_EQ(p.pcr_pid, p.streams[0].pid);
  EXPECT_GT(snap.sections.pat, 10U);
  EXPECT_GT(snap.sections.sdt, 1U);
}

TEST(Tr101290Ffmpeg, ConformingMultiplexIsCleanAndDescribed) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  // 50 frame/s so that ffmpeg's VBR multiplex carries a PCR every 20 ms.
  const TsStream s = encode(dir, "pcr20.ts", 50, {"-pcr_period", "20"});
  ASSERT_GT(s.size(), 500U);
  Tr101290Analyzer a;
  feed(a, s);
  const AnalysisSnapshot snap = a.snapshot();
  EXPECT_EQ(nonZero(snap), (std::map<std::string, uint64_t>{}));
  expectDescribed(snap);
}

TEST(Tr101290Ffmpeg, DefaultMultiplexHasSparsePcrsAndNothingElse) {
  // ffmpeg's default VBR mpegts output (Debian 12, ffmpeg 5.1) puts a PCR only on every
  // other video frame: 80 ms apart at 25 frame/s, a genuine 2.3a error.
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const TsStream s = encode(dir, "default.ts", 25, {});
  ASSERT_GT(s.size(), 500U);
  Tr101290Analyzer a;
  feed(a, s);
  const AnalysisSnapshot snap = a.snapshot();
  std::map<std::string, uint64_t> got = nonZero(snap);
  EXPECT_GT(got[key(Indicator::kPcrRepetitionError)], 0U);
  got.erase(key(Indicator::kPcrRepetitionError));
  EXPECT_EQ(got, (std::map<std::string, uint64_t>{}));
  expectDescribed(snap);
}

}  // namespace
}  // namespace srtgw::ts::testing
