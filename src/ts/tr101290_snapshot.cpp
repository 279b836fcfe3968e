// Tr101290Analyzer::snapshot(): copies the analyzer state into plain values.

#include <algorithm>

#include "ts/tr101290_analyzer.hpp"

namespace srtgw::ts {

AnalysisSnapshot Tr101290Analyzer::snapshot() const {
  AnalysisSnapshot snap;
  const int64_t now = now_ns_;
  snap.now_ns = now;
  snap.detection = detection_;
  snap.is_ts = detection_ == TsDetection::kTs;
  snap.in_sync = in_sync_;
  snap.idle = have_packet_ && now - last_packet_ns_ > config_.idle_gap_ns;
  snap.datagrams = datagrams_;
  snap.packets_received = packets_received_;
  snap.packets_analyzed = packets_analyzed_;
  snap.bytes_discarded = bytes_discarded_;
  snap.total_bitrate_bps = total_bitrate_bps_;
  snap.null_bitrate_bps = pids_[kNullPid].bitrate_bps;
  snap.pat_seen = pat_seen_;
  snap.transport_stream_id = transport_stream_id_;
  snap.sections = sections_;
  for (const auto& a : assemblers_) {
    snap.sections.dropped += a->dropped();
  }

  // Conditions that are still unmet keep their indicator active beyond the window.
  std::array<bool, kIndicatorCount> ongoing{};
  const auto at = [](Indicator i) { return static_cast<size_t>(i); };
  ongoing[at(Indicator::kTsSyncLoss)] =
      !in_sync_ && sync_lost_ns_ >= 0 && detection_ != TsDetection::kNotTs && !snap.idle;
  ongoing[at(Indicator::kPatError)] = pat_deadline_.missing;
  for (const Watch& w : watches_) {
    ongoing[at(Indicator::kPmtError)] = ongoing[at(Indicator::kPmtError)] || w.pmt.missing;
    ongoing[at(Indicator::kPidError)] = ongoing[at(Indicator::kPidError)] || w.seen.missing;
    ongoing[at(Indicator::kPcrRepetitionError)] =
        ongoing[at(Indicator::kPcrRepetitionError)] || w.pcr.missing;
    ongoing[at(Indicator::kPtsError)] = ongoing[at(Indicator::kPtsError)] || w.pts.missing;
  }
  for (size_t i = 0; i < kIndicatorCount; ++i) {
    const IndicatorInfo& info = indicatorInfo(static_cast<Indicator>(i));
    const IndicatorState& st = indicators_[i];
    IndicatorStatus& out = snap.indicators[i];
    out.indicator = static_cast<Indicator>(i);
    out.id = info.id;
    out.name = info.name;
    out.priority = info.priority;
    out.count = st.count;
    out.first_ns = st.first_ns;
    out.last_ns = st.last_ns;
    out.active = st.count > 0 && (now - st.last_ns <= config_.active_window_ns || ongoing[i]);
    if (out.active) {
      ++snap.alarm_count;
      if (snap.worst_active_priority == 0 || info.priority < snap.worst_active_priority) {
        snap.worst_active_priority = info.priority;
      }
    }
  }

  for (const Program& prog : programs_) {
    ProgramSnapshot p;
    p.program_number = prog.number;
    p.pmt_pid = prog.pmt_pid;
    p.pmt_seen = prog.pmt_seen;
    if (prog.pmt_seen) {
      p.pcr_pid = prog.pmt.pcr_pid;
      for (const PmtStream& es : prog.pmt.streams) {
        p.streams.push_back(
            {es.pid, es.stream_type, es.klass.kind, std::string(es.klass.codec), es.language});
      }
    }
    const auto svc = std::find_if(services_.begin(), services_.end(),
                                  [&](const SdtService& s) { return s.service_id == prog.number; });
    if (svc != services_.end()) {
      p.in_sdt = true;
      p.service_name = svc->service_name;
      p.provider_name = svc->provider_name;
      p.service_type = svc->service_type;
    }
    snap.programs.push_back(std::move(p));
  }

  std::vector<uint16_t> pids = seen_pids_;
  std::sort(pids.begin(), pids.end());
  snap.pids.reserve(pids.size());
  for (const uint16_t pid : pids) {
    const PidState& ps = pids_[pid];
    PidSnapshot p;
    p.pid = pid;
    p.kind = ps.kind;
    p.description = std::string(ps.description);
    p.packets = ps.packets;
    p.bitrate_bps = ps.bitrate_bps;
    p.cc_errors = ps.cc_errors;
    p.scrambled = ps.scrambled;
    p.referenced = ps.referenced || ps.pmt || pid == kPidPat;
    p.carries_pcr = ps.carries_pcr;
    snap.pids.push_back(std::move(p));
  }
  return snap;
}

}  // namespace srtgw::ts
