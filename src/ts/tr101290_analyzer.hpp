#pragma once
// Tr101290Analyzer: ETSI TR 101 290 priority 1 and 2 checks, services and per-PID statistics
// for one MPEG-TS input, fed one packet (or one datagram) at a time with its arrival time.
//
// Timing: every time-based check runs on arrival times (ns, monotonic clock). Deadlines (PAT
// and PMT 0.5 s, referenced PID 5 s, PCR 40 ms, PTS 700 ms) are checked as packets arrive,
// so "PAT missing" fires while other packets keep coming. A condition that persists is
// counted again every period. A silence is judged when it ends: if the next packet comes
// within idle_gap_ns the silence was part of the stream and the deadlines it broke fire then;
// if it comes later the input was idle, which is not a TS error: the silence is cut out of
// every deadline and continuity/PCR history restarts (the same happens after a sync loss).
// tick() therefore never raises an error; it only advances the clock that ages the "active"
// flags and the bitrates, and lets snapshot() report the input as idle.
//
// Hot path: onPacket() does not allocate once the tables are stable (flat 8192-entry PID
// table, reused section buffers, tables re-parsed only when their CRC changes), throws
// nothing and logs nothing. Not thread-safe: one thread feeds it and takes snapshots.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "ts/analysis_snapshot.hpp"
#include "ts/pcr_jitter.hpp"
#include "ts/psi_section.hpp"
#include "ts/psi_tables.hpp"
#include "ts/ts_packet.hpp"

namespace srtgw::ts {

struct AnalyzerConfig {
  int64_t pat_period_ns = 500'000'000;             // 1.3.a
  int64_t pmt_period_ns = 500'000'000;             // 1.5.a
  int64_t pid_timeout_ns = 5'000'000'000;          // 1.6
  int64_t pcr_repetition_ns = 40'000'000;          // 2.3a
  int64_t pcr_discontinuity_ns = 100'000'000;      // 2.3b
  int64_t pcr_accuracy_tolerance_ns = 10'000'000;  // 2.4, see pcr_jitter.hpp
  int64_t pts_period_ns = 700'000'000;             // 2.5
  int64_t active_window_ns = 2'000'000'000;        // an indicator stays active this long
  int64_t bitrate_window_ns = 1'000'000'000;
  int64_t idle_gap_ns = 200'000'000;  // a longer silence is an idle input, not a TS error
  int sync_acquire_packets = 5;       // 1.1: consecutive 0x47 to acquire sync
  int sync_lose_packets = 2;          // 1.1: consecutive bad sync bytes to lose it
  int not_ts_after_slots = 100;       // packet slots without sync before "not TS"
};

class Tr101290Analyzer {
 public:
  // sink, if not null, hears of every counted error and must outlive the analyzer.
  // Any thread (the analyzer then belongs to the thread that feeds it).
  explicit Tr101290Analyzer(AnalyzerConfig config = {}, TsErrorSink* sink = nullptr);
  Tr101290Analyzer(const Tr101290Analyzer&) = delete;
  Tr101290Analyzer& operator=(const Tr101290Analyzer&) = delete;
  ~Tr101290Analyzer();

  // Analyzes one 188-byte packet that arrived at arrival_ns (monotonic; an earlier time than
  // the previous packet's is taken as equal; an earlier time than the last tick() is kept,
  // since packets may reach the analyzer after it ticked past their arrival). Analyzer
  // thread.
  void onPacket(const uint8_t* data188, int64_t arrival_ns);

  // Splits a UDP/SRT payload into packets: 188-byte slots from the first offset at which
  // every slot starts with 0x47 (an RTP header is skipped that way), else from offset 0 so
  // that the sync checks see the damage. Bytes that are not whole packets are counted as
  // discarded. Analyzer thread.
  void onDatagram(const uint8_t* data, size_t len, int64_t arrival_ns);

  // Advances the clock while no packet arrives (ages "active" flags and bitrates; never
  // raises an error, see the header comment). Analyzer thread.
  void tick(int64_t now_ns);

  // Forgets everything: counters, tables, PIDs, sync. Analyzer thread.
  void reset();

  // Copies out the current state. Allocates; call it at the rate a UI needs. Analyzer
  // thread.
  AnalysisSnapshot snapshot() const;

  // Errors counted so far for one indicator (cheap, for metrics). Analyzer thread.
  uint64_t errorCount(Indicator indicator) const {
    return indicators_[static_cast<size_t>(indicator)].count;
  }

  // The configuration in use. Any thread.
  const AnalyzerConfig& config() const { return config_; }

 private:
  // A repeating deadline: due_ns passes -> the error fires and the deadline re-arms one
  // period later; an occurrence pushes it one period ahead.
  struct Deadline {
    static constexpr int64_t kUnarmed = INT64_MAX;
    int64_t due_ns = kUnarmed;
    bool missing = false;  // fired and not yet satisfied

    bool armed() const { return due_ns != kUnarmed; }
    void arm(int64_t due) {
      due_ns = due;
      missing = false;
    }
    void disarm() { arm(kUnarmed); }
    // An occurrence at now: true when it comes after an unreported deadline.
    bool occur(int64_t now, int64_t period) {
      const bool late = armed() && now > due_ns;
      arm(now + period);
      return late;
    }
    // An occurrence that only matters when the deadline is armed.
    void touch(int64_t now, int64_t period) {
      if (armed()) {
        arm(now + period);
      }
    }
    // Time passes: true when the deadline passed; it re-arms for the next period.
    bool expire(int64_t now, int64_t period) {
      if (!armed() || now <= due_ns) {
        return false;
      }
      due_ns = now + period;
      missing = true;
      return true;
    }
    void shift(int64_t gap) {
      if (armed()) {
        due_ns += gap;
      }
    }
  };

  // The timed state of a PID that has one (PMT PID, referenced PID, PCR or PTS carrier).
  struct Watch {
    uint16_t pid = 0;
    Deadline pmt;   // 1.5.a, armed while the PAT lists this PID as a PMT PID
    Deadline seen;  // 1.6, armed while a PMT references this PID
    Deadline pcr;   // 2.3a, armed from the first PCR while a PMT names this the PCR PID
    Deadline pts;   // 2.5, armed from the first PTS while a PMT references this PID
    bool pcr_known = false;
    int64_t last_pcr = 0;        // 27 MHz ticks as carried
    int64_t pcr_line_ticks = 0;  // unwrapped PCR time line for the jitter estimator
    PcrJitterEstimator jitter;
  };

  struct PidState {
    uint64_t packets = 0;
    uint64_t window_mark = 0;  // packets at the start of the bitrate window
    uint64_t bitrate_bps = 0;
    uint64_t cc_errors = 0;
    int64_t last_seen_ns = 0;
    std::string_view description;  // static strings only
    int16_t watch = -1;            // index in watches_
    int16_t assembler = -1;        // index in assemblers_ when the PID carries sections
    StreamKind kind = StreamKind::kUnknown;
    uint8_t last_cc = 0;
    uint8_t duplicates = 0;
    bool cc_known = false;
    bool seen = false;
    bool scrambled = false;
    bool referenced = false;  // an elementary stream of some PMT
    bool pes = false;         // referenced and carried in PES packets (PTS checked)
    bool pmt = false;         // the PAT lists it as a PMT PID
    bool pcr_pid = false;     // some PMT names it PCR_PID
    bool carries_pcr = false;
  };

  struct IndicatorState {
    uint64_t count = 0;
    int64_t first_ns = 0;
    int64_t last_ns = 0;
    uint64_t fired_at_packet = UINT64_MAX;  // at most one count per packet
  };

  struct Program {
    uint16_t number = 0;
    uint16_t pmt_pid = 0;
    bool pmt_seen = false;
    uint32_t pmt_crc = 0;
    Pmt pmt;
  };

  // tr101290_analyzer.cpp: the packet path.
  void analyze(const TsPacket& pkt, int64_t now);
  bool checkSync(uint8_t sync_byte, int64_t now);
  void noteUnsyncedSlot();
  void checkContinuity(const TsPacket& pkt, PidState& ps, uint16_t pid, int64_t now,
                       bool& duplicate, bool& broken);
  void handlePcr(const TsPacket& pkt, PidState& ps, uint16_t pid, int64_t now);
  void scanDeadlines(int64_t now);
  void resumeAfterGap(int64_t gap_ns);
  void rollBitrateWindow(int64_t now);
  void fire(Indicator indicator, int32_t pid, int64_t now);
  void noteDue(const Deadline& d) {
    if (d.due_ns < next_scan_ns_) {
      next_scan_ns_ = d.due_ns;
    }
  }
  Watch& watchFor(uint16_t pid);

  // tr101290_psi.cpp: sections and tables.
  void ensureAssembler(uint16_t pid);
  void handleSection(uint16_t pid, const Section& s, int64_t now);
  void applyPat(const Section& s, int64_t now);
  void applyPmt(uint16_t pid, const Section& s, int64_t now);
  void applySdt(const Section& s);
  void rebuildReferences(int64_t now);
  bool isSiPid(uint16_t pid) const;
  void initPsiPids();

  // tr101290_snapshot.cpp: snapshot().

  AnalyzerConfig config_;
  TsErrorSink* sink_;

  std::vector<PidState> pids_;       // kPidCount entries
  std::vector<uint16_t> seen_pids_;  // PIDs seen, in order of appearance (reserved)
  std::vector<Watch> watches_;       // grows only when tables add PIDs
  std::vector<std::unique_ptr<SectionAssembler>> assemblers_;
  std::array<IndicatorState, kIndicatorCount> indicators_{};

  // Sync (1.1/1.2) and TS detection.
  bool in_sync_ = false;
  int good_run_ = 0;
  int bad_run_ = 0;
  int64_t sync_lost_ns_ = -1;  // when sync was lost, -1 before the first acquisition
  uint64_t unsynced_slots_ = 0;
  TsDetection detection_ = TsDetection::kUnknown;

  // Clock.
  bool have_packet_ = false;
  int64_t last_packet_ns_ = 0;  // the packets' clock: deadlines, intervals
  int64_t now_ns_ = 0;          // max of that and tick(): ages, idle, bitrate windows
  int64_t next_scan_ns_ = Deadline::kUnarmed;

  // Tables.
  Deadline pat_deadline_;
  bool pat_seen_ = false;
  uint32_t pat_crc_ = 0;
  uint8_t pat_version_ = 0xFF;
  uint16_t transport_stream_id_ = 0;
  uint16_t nit_pid_ = kPidNit;
  bool cat_seen_ = false;
  std::vector<Program> programs_;
  std::vector<SdtService> services_;
  std::array<uint32_t, 256> sdt_crc_{};  // per section_number, 0 = none
  SectionCounts sections_;

  // Counters and bitrate.
  uint64_t datagrams_ = 0;
  uint64_t packets_received_ = 0;
  uint64_t packets_analyzed_ = 0;
  uint64_t bytes_discarded_ = 0;
  uint64_t bytes_received_ = 0;
  uint64_t window_bytes_mark_ = 0;
  uint64_t total_bitrate_bps_ = 0;
  int64_t window_start_ns_ = 0;
  bool window_started_ = false;
};

}  // namespace srtgw::ts
