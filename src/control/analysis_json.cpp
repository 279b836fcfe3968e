#include "control/analysis_json.hpp"

#include "core/clock.hpp"
#include "ts/stream_type.hpp"

namespace srtgw::control {

using nlohmann::json;

namespace {

const char* detectionName(ts::TsDetection d) {
  switch (d) {
    case ts::TsDetection::kTs: return "ts";
    case ts::TsDetection::kNotTs: return "not_ts";
    default: return "unknown";
  }
}

// Arrival times are on the monotonic clock; clients want wall-clock milliseconds.
json wallMs(int64_t steady_ns) {
  if (steady_ns <= 0) {
    return nullptr;
  }
  return core::wallNowMs() - (core::steadyNowNs() - steady_ns) / 1'000'000;
}

}  // namespace

json toJson(const ts::AnalysisSnapshot& a, uint64_t skipped) {
  json indicators = json::array();
  for (const auto& i : a.indicators) {
    indicators.push_back({{"id", std::string(i.id)},
                          {"name", std::string(i.name)},
                          {"priority", i.priority},
                          {"count", i.count},
                          {"active", i.active},
                          {"first_ms", i.count > 0 ? wallMs(i.first_ns) : json(nullptr)},
                          {"last_ms", i.count > 0 ? wallMs(i.last_ns) : json(nullptr)}});
  }
  json programs = json::array();
  for (const auto& p : a.programs) {
    json streams = json::array();
    for (const auto& s : p.streams) {
      json es{{"pid", s.pid},
              {"stream_type", s.stream_type},
              {"kind", std::string(ts::streamKindName(s.kind))},
              {"codec", s.codec}};
      if (!s.language.empty()) es["language"] = s.language;
      streams.push_back(std::move(es));
    }
    json prog{{"program_number", p.program_number},
              {"pmt_pid", p.pmt_pid},
              {"pmt_seen", p.pmt_seen},
              {"pcr_pid", p.pcr_pid},
              {"streams", std::move(streams)}};
    if (p.in_sdt) {
      prog["service_name"] = p.service_name;
      prog["provider_name"] = p.provider_name;
      prog["service_type"] = p.service_type;
    }
    programs.push_back(std::move(prog));
  }
  json pids = json::array();
  for (const auto& p : a.pids) {
    pids.push_back({{"pid", p.pid},
                    {"kind", std::string(ts::streamKindName(p.kind))},
                    {"description", p.description},
                    {"packets", p.packets},
                    {"bitrate_bps", p.bitrate_bps},
                    {"cc_errors", p.cc_errors},
                    {"scrambled", p.scrambled},
                    {"referenced", p.referenced},
                    {"carries_pcr", p.carries_pcr}});
  }
  json out{{"detection", detectionName(a.detection)},
           {"is_ts", a.is_ts},
           {"in_sync", a.in_sync},
           {"idle", a.idle},
           {"datagrams", a.datagrams},
           {"packets_received", a.packets_received},
           {"packets_analyzed", a.packets_analyzed},
           {"analysis_skipped_packets", skipped},
           {"bytes_discarded", a.bytes_discarded},
           {"total_bitrate_bps", a.total_bitrate_bps},
           {"null_bitrate_bps", a.null_bitrate_bps},
           {"worst_active_priority", a.worst_active_priority},
           {"alarm_count", a.alarm_count},
           {"indicators", std::move(indicators)},
           {"programs", std::move(programs)},
           {"pids", std::move(pids)},
           {"sections",
            {{"pat", a.sections.pat}, {"cat", a.sections.cat}, {"pmt", a.sections.pmt},
             {"nit", a.sections.nit}, {"sdt", a.sections.sdt}, {"bat", a.sections.bat},
             {"eit", a.sections.eit}, {"tdt", a.sections.tdt}, {"tot", a.sections.tot},
             {"crc_errors", a.sections.crc_errors}}}};
  if (a.pat_seen) {
    out["transport_stream_id"] = a.transport_stream_id;
  }
  if (a.detection == ts::TsDetection::kNotTs) {
    out["message"] = "the input does not carry MPEG-TS: no TR 101 290 analysis";
  }
  return out;
}

json analysisSummary(const ts::AnalysisSnapshot* a) {
  if (a == nullptr) {
    return json{{"available", false}};
  }
  return json{{"available", true},
              {"is_ts", a->is_ts},
              {"worst_active_priority", a->worst_active_priority},
              {"alarm_count", a->alarm_count}};
}

}  // namespace srtgw::control
