#pragma once
// What Tr101290Analyzer reports: the TR 101 290 indicators (ETSI TR 101 290 V1.4.1 clause
// 5.2, priorities 1 and 2), the services and PIDs it found, and bitrates. Plain values,
// copied out of the analyzer by snapshot(), safe to hand to another thread.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ts/stream_type.hpp"

namespace srtgw::ts {

enum class Indicator : uint8_t {
  kTsSyncLoss,                      // 1.1
  kSyncByteError,                   // 1.2
  kPatError,                        // 1.3.a
  kContinuityCountError,            // 1.4
  kPmtError,                        // 1.5.a
  kPidError,                        // 1.6
  kTransportError,                  // 2.1
  kCrcError,                        // 2.2
  kPcrRepetitionError,              // 2.3a
  kPcrDiscontinuityIndicatorError,  // 2.3b
  kPcrAccuracyError,                // 2.4 (approximated, see pcr_jitter.hpp)
  kPtsError,                        // 2.5
  kCatError,                        // 2.6
};
inline constexpr size_t kIndicatorCount = 13;

struct IndicatorInfo {
  std::string_view id;    // "1.4"
  std::string_view name;  // "Continuity_count_error"
  int priority;           // 1 or 2
};

// The TR 101 290 number, name and priority of an indicator. Any thread.
const IndicatorInfo& indicatorInfo(Indicator indicator);

// Whether the input looks like MPEG-TS: unknown until sync is acquired (kTs) or enough
// packet slots went by without it (kNotTs).
enum class TsDetection : uint8_t { kUnknown, kTs, kNotTs };

// One error as it happens, for an injected TsErrorSink.
struct TsErrorEvent {
  Indicator indicator;
  int32_t pid;  // the PID concerned, -1 when none (sync)
  int64_t arrival_ns;
};

// Receives errors as the analyzer finds them, on the thread that feeds the analyzer. Must be
// cheap and must not call back into the analyzer.
class TsErrorSink {
 public:
  virtual ~TsErrorSink() = default;
  // Analyzer thread.
  virtual void onTsError(const TsErrorEvent& event) = 0;
};

struct IndicatorStatus {
  Indicator indicator = Indicator::kTsSyncLoss;
  std::string_view id;
  std::string_view name;
  int priority = 1;
  uint64_t count = 0;
  // An error within the last active_window_ns, or a timed condition still unmet now (PAT
  // still missing, PID still absent, sync still lost...).
  bool active = false;
  int64_t first_ns = 0;  // arrival time of the first error; meaningful when count > 0
  int64_t last_ns = 0;   // arrival time of the latest error; meaningful when count > 0
};

struct EsSnapshot {
  uint16_t pid = 0;
  uint8_t stream_type = 0;
  StreamKind kind = StreamKind::kUnknown;
  std::string codec;     // "H.264", "AAC (ADTS)", "DVB subtitles", ...
  std::string language;  // ISO 639 code, "" when not signalled
};

struct ProgramSnapshot {
  uint16_t program_number = 0;
  uint16_t pmt_pid = 0;
  bool pmt_seen = false;  // false: listed in the PAT, no valid PMT yet
  uint16_t pcr_pid = 0x1FFF;
  std::vector<EsSnapshot> streams;
  // From the SDT actual, when it describes this program_number (service_id).
  bool in_sdt = false;
  std::string service_name;
  std::string provider_name;
  uint8_t service_type = 0;
};

struct PidSnapshot {
  uint16_t pid = 0;
  StreamKind kind = StreamKind::kUnknown;
  std::string description;  // "PAT", "PMT", "SDT/BAT", "H.264", "null", "" ...
  uint64_t packets = 0;
  uint64_t bitrate_bps = 0;  // over the last complete bitrate window
  uint64_t cc_errors = 0;
  bool scrambled = false;   // the last packet with payload was scrambled
  bool referenced = false;  // listed in a PMT (or a PSI PID the PAT points to)
  bool carries_pcr = false;
};

// Sections seen with a good CRC (or no CRC), per table.
struct SectionCounts {
  uint64_t pat = 0;
  uint64_t cat = 0;
  uint64_t pmt = 0;
  uint64_t nit = 0;
  uint64_t sdt = 0;
  uint64_t bat = 0;
  uint64_t eit = 0;
  uint64_t tdt = 0;
  uint64_t tot = 0;
  uint64_t crc_errors = 0;
  uint64_t dropped = 0;  // abandoned incomplete or malformed
};

struct AnalysisSnapshot {
  int64_t now_ns = 0;  // latest arrival or tick time the analyzer knows of
  TsDetection detection = TsDetection::kUnknown;
  bool is_ts = false;    // detection == kTs
  bool in_sync = false;  // TR 101 290 1.1 state now
  bool idle = false;     // no packet for longer than idle_gap_ns
  uint64_t datagrams = 0;
  uint64_t packets_received = 0;   // 188-byte slots, synced or not
  uint64_t packets_analyzed = 0;   // in sync and looked at
  uint64_t bytes_discarded = 0;    // datagram bytes that were not whole packets
  uint64_t total_bitrate_bps = 0;  // everything received, over the last bitrate window
  uint64_t null_bitrate_bps = 0;   // PID 0x1FFF
  bool pat_seen = false;
  uint16_t transport_stream_id = 0;
  std::array<IndicatorStatus, kIndicatorCount> indicators{};
  int worst_active_priority = 0;          // 1 or 2; 0 when no indicator is active
  int alarm_count = 0;                    // indicators active now
  std::vector<ProgramSnapshot> programs;  // in PAT order
  std::vector<PidSnapshot> pids;          // every PID seen, ascending
  SectionCounts sections;

  // The status of one indicator. Any thread.
  const IndicatorStatus& operator[](Indicator i) const {
    return indicators[static_cast<size_t>(i)];
  }
};

}  // namespace srtgw::ts
