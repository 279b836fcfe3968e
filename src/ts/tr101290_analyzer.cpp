#include "ts/tr101290_analyzer.hpp"

#include <algorithm>

#include "ts/pes_header.hpp"

namespace srtgw::ts {
namespace {

constexpr std::array<IndicatorInfo, kIndicatorCount> kIndicatorInfo = {{
    {"1.1", "TS_sync_loss", 1},
    {"1.2", "Sync_byte_error", 1},
    {"1.3.a", "PAT_error_2", 1},
    {"1.4", "Continuity_count_error", 1},
    {"1.5.a", "PMT_error_2", 1},
    {"1.6", "PID_error", 1},
    {"2.1", "Transport_error", 2},
    {"2.2", "CRC_error", 2},
    {"2.3a", "PCR_repetition_error", 2},
    {"2.3b", "PCR_discontinuity_indicator_error", 2},
    {"2.4", "PCR_accuracy_error", 2},
    {"2.5", "PTS_error", 2},
    {"2.6", "CAT_error", 2},
}};

constexpr uint64_t kPacketBits = kPacketSize * 8;

}  // namespace

const IndicatorInfo& indicatorInfo(Indicator indicator) {
  return kIndicatorInfo[static_cast<size_t>(indicator)];
}

Tr101290Analyzer::Tr101290Analyzer(AnalyzerConfig config, TsErrorSink* sink)
    : config_(config), sink_(sink) {
  reset();
}

Tr101290Analyzer::~Tr101290Analyzer() = default;

void Tr101290Analyzer::reset() {
  pids_.assign(kPidCount, PidState{});
  seen_pids_.clear();
  seen_pids_.reserve(kPidCount);
  watches_.clear();
  watches_.reserve(32);
  assemblers_.clear();
  indicators_ = {};
  in_sync_ = false;
  good_run_ = 0;
  bad_run_ = 0;
  sync_lost_ns_ = -1;
  unsynced_slots_ = 0;
  detection_ = TsDetection::kUnknown;
  have_packet_ = false;
  last_packet_ns_ = 0;
  now_ns_ = 0;
  next_scan_ns_ = Deadline::kUnarmed;
  pat_deadline_.disarm();
  pat_seen_ = false;
  pat_crc_ = 0;
  pat_version_ = 0xFF;
  transport_stream_id_ = 0;
  nit_pid_ = kPidNit;
  cat_seen_ = false;
  programs_.clear();
  services_.clear();
  sdt_crc_ = {};
  sections_ = {};
  datagrams_ = 0;
  packets_received_ = 0;
  packets_analyzed_ = 0;
  bytes_discarded_ = 0;
  bytes_received_ = 0;
  window_bytes_mark_ = 0;
  total_bitrate_bps_ = 0;
  window_start_ns_ = 0;
  window_started_ = false;
  pids_[kNullPid].kind = StreamKind::kNull;
  pids_[kNullPid].description = "null";
  initPsiPids();
}

void Tr101290Analyzer::onDatagram(const uint8_t* data, size_t len, int64_t arrival_ns) {
  ++datagrams_;
  size_t offset = 0;
  if (len % kPacketSize != 0 || (len > 0 && data[0] != kSyncByte)) {
    // Look for the framing under which every slot starts with a sync byte.
    bool found = false;
    for (size_t o = 0; o < kPacketSize && o + kPacketSize <= len && !found; ++o) {
      if ((len - o) % kPacketSize != 0) {
        continue;
      }
      found = true;
      for (size_t k = o; k < len; k += kPacketSize) {
        if (data[k] != kSyncByte) {
          found = false;
          break;
        }
      }
      if (found) {
        offset = o;
      }
    }
  }
  const size_t whole = (len - offset) / kPacketSize;
  const size_t extra = len - whole * kPacketSize;
  bytes_discarded_ += extra;
  bytes_received_ += extra;
  if (whole == 0) {
    noteUnsyncedSlot();
    tick(arrival_ns);
    return;
  }
  for (size_t k = 0; k < whole; ++k) {
    onPacket(data + offset + k * kPacketSize, arrival_ns);
  }
}

void Tr101290Analyzer::tick(int64_t now_ns) {
  now_ns_ = std::max(now_ns_, now_ns);
  if (window_started_ && now_ns_ - window_start_ns_ >= config_.bitrate_window_ns) {
    rollBitrateWindow(now_ns_);
  }
}

void Tr101290Analyzer::onPacket(const uint8_t* data188, int64_t arrival_ns) {
  // Packets are judged on their own clock, not on tick()'s: a datagram the input read late
  // (its read hold, a busy host) still carries the time the kernel received it, which can
  // be earlier than the analyzer's last tick. Clamping it to that tick would stretch the
  // PCR or PSI interval before it by the read's lag and raise a 2.3a that never was.
  const int64_t now = have_packet_ ? std::max(arrival_ns, last_packet_ns_) : arrival_ns;
  ++packets_received_;
  bytes_received_ += kPacketSize;
  if (have_packet_ && now - last_packet_ns_ > config_.idle_gap_ns && in_sync_) {
    resumeAfterGap(now - last_packet_ns_);
  }
  have_packet_ = true;
  last_packet_ns_ = now;
  now_ns_ = std::max(now_ns_, now);
  if (!window_started_) {
    window_started_ = true;
    window_start_ns_ = now;
  } else if (now - window_start_ns_ >= config_.bitrate_window_ns) {
    rollBitrateWindow(now);
  }
  if (!checkSync(data188[0], now)) {
    return;
  }
  if (now >= next_scan_ns_) {
    scanDeadlines(now);
  }
  ++packets_analyzed_;
  analyze(TsPacket::at(data188), now);
}

// TR 101 290 1.1/1.2. Returns true when the packet is to be analyzed.
bool Tr101290Analyzer::checkSync(uint8_t sync_byte, int64_t now) {
  if (sync_byte == kSyncByte) {
    bad_run_ = 0;
    if (in_sync_) {
      return true;
    }
    if (++good_run_ < config_.sync_acquire_packets) {
      noteUnsyncedSlot();
      return false;
    }
    in_sync_ = true;
    unsynced_slots_ = 0;
    detection_ = TsDetection::kTs;
    if (sync_lost_ns_ < 0) {
      pat_deadline_.arm(now + config_.pat_period_ns);
      noteDue(pat_deadline_);
    } else {
      resumeAfterGap(now - sync_lost_ns_);
    }
    return true;
  }
  good_run_ = 0;
  if (!in_sync_) {
    noteUnsyncedSlot();
    return false;
  }
  fire(Indicator::kSyncByteError, -1, now);
  if (++bad_run_ >= config_.sync_lose_packets) {
    in_sync_ = false;
    sync_lost_ns_ = now;
    fire(Indicator::kTsSyncLoss, -1, now);
  }
  return false;
}

void Tr101290Analyzer::noteUnsyncedSlot() {
  if (in_sync_) {
    return;
  }
  if (++unsynced_slots_ >= static_cast<uint64_t>(config_.not_ts_after_slots)) {
    detection_ = TsDetection::kNotTs;
  }
}

void Tr101290Analyzer::analyze(const TsPacket& pkt, int64_t now) {
  const uint16_t pid = pkt.pid();
  PidState& ps = pids_[pid];
  ++ps.packets;
  ps.last_seen_ns = now;
  if (!ps.seen) {
    ps.seen = true;
    seen_pids_.push_back(pid);
  }
  const bool tei = pkt.transportError();
  if (tei) {
    fire(Indicator::kTransportError, pid, now);
  }
  if (pid == kNullPid) {
    return;
  }
  if (ps.watch >= 0) {
    watches_[ps.watch].seen.touch(now, config_.pid_timeout_ns);
  }
  bool duplicate = false;
  bool broken = false;
  if (pkt.hasPayload()) {
    checkContinuity(pkt, ps, pid, now, duplicate, broken);
  }
  // A damaged packet is counted and its continuity checked; its contents are not trusted.
  if (tei || !pkt.adaptationFieldValid()) {
    if (ps.assembler >= 0) {
      assemblers_[ps.assembler]->reset();
    }
    return;
  }
  if (pkt.hasPcr()) {
    handlePcr(pkt, ps, pid, now);
  }
  if (duplicate || !pkt.hasPayload()) {
    return;
  }
  ps.scrambled = pkt.scrambled();
  if (ps.scrambled) {
    if (pid == kPidPat) {
      fire(Indicator::kPatError, pid, now);
    }
    if (ps.pmt) {
      fire(Indicator::kPmtError, pid, now);
    }
    if (!cat_seen_) {
      fire(Indicator::kCatError, pid, now);
    }
    if (ps.assembler >= 0) {
      assemblers_[ps.assembler]->reset();
    }
    return;
  }
  if (ps.assembler >= 0) {
    SectionAssembler& a = *assemblers_[ps.assembler];
    if (broken) {
      a.reset();
    }
    a.feed(pkt, [&](const Section& s) { handleSection(pid, s, now); });
    return;
  }
  if (ps.pes && pkt.payloadUnitStart() && pesPts(pkt.payload(), pkt.payloadSize()) >= 0) {
    Watch& w = watches_[ps.watch];
    const bool late = w.pts.occur(now, config_.pts_period_ns);
    noteDue(w.pts);
    if (late) {
      fire(Indicator::kPtsError, pid, now);
    }
  }
}

// TR 101 290 1.4: packets without payload do not advance the counter and are not checked;
// one repeat is a legal duplicate, a third copy or any other jump is an error; a flagged
// discontinuity restarts the count.
void Tr101290Analyzer::checkContinuity(const TsPacket& pkt, PidState& ps, uint16_t pid, int64_t now,
                                       bool& duplicate, bool& broken) {
  const uint8_t cc = pkt.continuityCounter();
  bool error = false;
  if (!ps.cc_known || pkt.discontinuityIndicator()) {
    ps.duplicates = 0;
    broken = ps.cc_known;
  } else if (cc == ps.last_cc) {
    duplicate = true;
    error = ++ps.duplicates >= 2;
  } else if (cc == ((ps.last_cc + 1) & 0x0F)) {
    ps.duplicates = 0;
  } else {
    error = true;
    broken = true;
    ps.duplicates = 0;
  }
  ps.last_cc = cc;
  ps.cc_known = true;
  if (error) {
    ++ps.cc_errors;
    fire(Indicator::kContinuityCountError, pid, now);
  }
}

// TR 101 290 2.3a (repetition, PCR PIDs named by a PMT), 2.3b (jump or backwards without
// discontinuity_indicator) and the 2.4 approximation (pcr_jitter.hpp).
void Tr101290Analyzer::handlePcr(const TsPacket& pkt, PidState& ps, uint16_t pid, int64_t now) {
  Watch& w = watchFor(pid);
  ps.carries_pcr = true;
  const int64_t pcr = pkt.pcr();
  if (w.pcr_known && !pkt.discontinuityIndicator()) {
    const int64_t diff = pcrDiff(w.last_pcr, pcr);
    w.pcr_line_ticks += diff;
    if (diff < 0 || pcrTicksToNs(diff) > config_.pcr_discontinuity_ns) {
      fire(Indicator::kPcrDiscontinuityIndicatorError, pid, now);
      // The jump is this indicator's news; the accuracy estimate starts over after it.
      w.jitter.reset();
    }
    const auto residual =
        w.jitter.add(pcrTicksToNs(w.pcr_line_ticks), now, config_.pcr_accuracy_tolerance_ns);
    if (residual && (*residual > config_.pcr_accuracy_tolerance_ns ||
                     *residual < -config_.pcr_accuracy_tolerance_ns)) {
      fire(Indicator::kPcrAccuracyError, pid, now);
    }
  } else {
    w.jitter.reset();
    w.pcr_line_ticks = 0;
    (void)w.jitter.add(0, now, config_.pcr_accuracy_tolerance_ns);
  }
  w.last_pcr = pcr;
  w.pcr_known = true;
  if (ps.pcr_pid) {
    const bool late = w.pcr.occur(now, config_.pcr_repetition_ns);
    noteDue(w.pcr);
    if (late) {
      fire(Indicator::kPcrRepetitionError, pid, now);
    }
  }
}

void Tr101290Analyzer::scanDeadlines(int64_t now) {
  next_scan_ns_ = Deadline::kUnarmed;
  if (pat_deadline_.expire(now, config_.pat_period_ns)) {
    fire(Indicator::kPatError, kPidPat, now);
  }
  noteDue(pat_deadline_);
  for (Watch& w : watches_) {
    if (w.pmt.expire(now, config_.pmt_period_ns)) {
      fire(Indicator::kPmtError, w.pid, now);
    }
    if (w.seen.expire(now, config_.pid_timeout_ns)) {
      fire(Indicator::kPidError, w.pid, now);
    }
    if (w.pcr.expire(now, config_.pcr_repetition_ns)) {
      fire(Indicator::kPcrRepetitionError, w.pid, now);
    }
    // A PID that stopped altogether is PID_error's business; PTS_error is for a PID that
    // keeps coming without PTS.
    const int64_t pts_from = w.pts.due_ns - config_.pts_period_ns;
    if (w.pts.expire(now, config_.pts_period_ns)) {
      if (pids_[w.pid].last_seen_ns > pts_from) {
        fire(Indicator::kPtsError, w.pid, now);
      } else {
        w.pts.missing = false;
      }
    }
    noteDue(w.pmt);
    noteDue(w.seen);
    noteDue(w.pcr);
    noteDue(w.pts);
  }
}

// After an idle input or a sync loss: the silence does not count towards any deadline, and
// continuity, PCR and section history restart.
void Tr101290Analyzer::resumeAfterGap(int64_t gap_ns) {
  pat_deadline_.shift(gap_ns);
  for (Watch& w : watches_) {
    w.pmt.shift(gap_ns);
    w.seen.shift(gap_ns);
    w.pcr.shift(gap_ns);
    w.pts.shift(gap_ns);
    w.pcr_known = false;
    w.jitter.reset();
  }
  if (next_scan_ns_ != Deadline::kUnarmed) {
    next_scan_ns_ += gap_ns;
  }
  for (const uint16_t pid : seen_pids_) {
    pids_[pid].cc_known = false;
    pids_[pid].duplicates = 0;
  }
  for (auto& a : assemblers_) {
    a->reset();
  }
}

void Tr101290Analyzer::rollBitrateWindow(int64_t now) {
  const int64_t elapsed = now - window_start_ns_;
  if (elapsed <= 0) {
    return;
  }
  const auto rate = [elapsed](uint64_t bits) {
    return static_cast<uint64_t>(static_cast<double>(bits) * 1e9 / static_cast<double>(elapsed));
  };
  for (const uint16_t pid : seen_pids_) {
    PidState& ps = pids_[pid];
    ps.bitrate_bps = rate((ps.packets - ps.window_mark) * kPacketBits);
    ps.window_mark = ps.packets;
  }
  total_bitrate_bps_ = rate((bytes_received_ - window_bytes_mark_) * 8);
  window_bytes_mark_ = bytes_received_;
  window_start_ns_ = now;
}

void Tr101290Analyzer::fire(Indicator indicator, int32_t pid, int64_t now) {
  IndicatorState& st = indicators_[static_cast<size_t>(indicator)];
  if (st.fired_at_packet == packets_received_) {
    return;
  }
  st.fired_at_packet = packets_received_;
  if (st.count == 0) {
    st.first_ns = now;
  }
  ++st.count;
  st.last_ns = now;
  if (sink_ != nullptr) {
    sink_->onTsError({indicator, pid, now});
  }
}

Tr101290Analyzer::Watch& Tr101290Analyzer::watchFor(uint16_t pid) {
  PidState& ps = pids_[pid];
  if (ps.watch < 0) {
    ps.watch = static_cast<int16_t>(watches_.size());
    watches_.emplace_back();
    watches_.back().pid = pid;
  }
  return watches_[ps.watch];
}

}  // namespace srtgw::ts
