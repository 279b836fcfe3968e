// Tr101290Analyzer: sections and tables (PAT, CAT, PMT, SDT; NIT, BAT, EIT, TDT, TOT counted).

#include <algorithm>

#include "ts/tr101290_analyzer.hpp"

namespace srtgw::ts {
namespace {

uint32_t crcField(const Section& s) {
  const uint8_t* p = s.data + s.size - 4;
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

}  // namespace

void Tr101290Analyzer::initPsiPids() {
  const std::pair<uint16_t, std::string_view> fixed[] = {
      {kPidPat, "PAT"},        {kPidCat, "CAT"}, {kPidNit, "NIT"},
      {kPidSdtBat, "SDT/BAT"}, {kPidEit, "EIT"}, {kPidTdtTot, "TDT/TOT"},
  };
  for (const auto& [pid, name] : fixed) {
    ensureAssembler(pid);
    pids_[pid].kind = StreamKind::kPsi;
    pids_[pid].description = name;
  }
}

void Tr101290Analyzer::ensureAssembler(uint16_t pid) {
  if (pids_[pid].assembler < 0) {
    pids_[pid].assembler = static_cast<int16_t>(assemblers_.size());
    assemblers_.push_back(std::make_unique<SectionAssembler>());
  }
}

// DVB SI PIDs carry SI only when no PMT uses them for an elementary stream.
bool Tr101290Analyzer::isSiPid(uint16_t pid) const {
  return !pids_[pid].referenced &&
         (pid == nit_pid_ || pid == kPidSdtBat || pid == kPidEit || pid == kPidTdtTot);
}

void Tr101290Analyzer::handleSection(uint16_t pid, const Section& s, int64_t now) {
  const uint8_t tid = s.table_id;
  const PidState& ps = pids_[pid];
  // Which table this is, and whether TR 101 290 2.2 covers its CRC.
  uint64_t* counter = nullptr;
  if (pid == kPidPat) {
    if (tid != kTidPat) {
      fire(Indicator::kPatError, pid, now);
      return;
    }
    counter = &sections_.pat;
  } else if (pid == kPidCat) {
    if (tid != kTidCat) {
      fire(Indicator::kCatError, pid, now);
      return;
    }
    counter = &sections_.cat;
  } else if (ps.pmt) {
    if (tid != kTidPmt) {
      return;
    }
    counter = &sections_.pmt;
  } else if (isSiPid(pid)) {
    if (pid == nit_pid_ && (tid == kTidNitActual || tid == kTidNitOther)) {
      counter = &sections_.nit;
    } else if (pid == kPidSdtBat && (tid == kTidSdtActual || tid == kTidSdtOther)) {
      counter = &sections_.sdt;
    } else if (pid == kPidSdtBat && tid == kTidBat) {
      counter = &sections_.bat;
    } else if (pid == kPidEit && tid >= kTidEitFirst && tid <= kTidEitLast) {
      counter = &sections_.eit;
    } else if (pid == kPidTdtTot && tid == kTidTdt) {
      counter = &sections_.tdt;
    } else if (pid == kPidTdtTot && tid == kTidTot) {
      counter = &sections_.tot;
    } else {
      return;
    }
  } else {
    return;
  }
  if (!s.crc_ok) {
    ++sections_.crc_errors;
    fire(Indicator::kCrcError, pid, now);
    return;
  }
  ++*counter;
  if (tid == kTidPat) {
    const bool late = pat_deadline_.occur(now, config_.pat_period_ns);
    noteDue(pat_deadline_);
    if (late) {
      fire(Indicator::kPatError, pid, now);
    }
    pat_seen_ = true;
    applyPat(s, now);
  } else if (tid == kTidCat) {
    cat_seen_ = true;
  } else if (tid == kTidPmt) {
    Watch& w = watchFor(pid);
    if (w.pmt.armed()) {
      const bool late = w.pmt.occur(now, config_.pmt_period_ns);
      noteDue(w.pmt);
      if (late) {
        fire(Indicator::kPmtError, pid, now);
      }
    }
    applyPmt(pid, s, now);
  } else if (tid == kTidSdtActual) {
    applySdt(s);
  }
}

void Tr101290Analyzer::applyPat(const Section& s, int64_t now) {
  if (!s.has_crc) {
    return;
  }
  const uint32_t crc = crcField(s);
  if (crc == pat_crc_ && pat_version_ != 0xFF) {
    return;  // a repeat: nothing to parse, nothing to allocate
  }
  const auto pat = parsePat(s);
  if (!pat) {
    return;
  }
  pat_crc_ = crc;
  transport_stream_id_ = pat->transport_stream_id;
  const auto header = parseLongHeader(s);
  // A new version replaces the program list; further sections of one version add to it.
  const bool multi = header && header->last_section_number > 0;
  std::vector<Program> next;
  if (multi && pat->version == pat_version_) {
    next = programs_;
  }
  pat_version_ = pat->version;
  for (const PatProgram& p : pat->programs) {
    auto same = [&](const Program& q) { return q.number == p.program_number; };
    auto it = std::find_if(next.begin(), next.end(), same);
    Program prog;
    const auto old = std::find_if(programs_.begin(), programs_.end(), same);
    if (old != programs_.end() && old->pmt_pid == p.pmt_pid) {
      prog = *old;  // keep what its PMT told us
    } else {
      prog.number = p.program_number;
      prog.pmt_pid = p.pmt_pid;
    }
    if (it != next.end()) {
      *it = std::move(prog);
    } else {
      next.push_back(std::move(prog));
    }
  }
  // PMT PIDs that left the PAT stop being checked; new ones get 0.5 s for a first PMT.
  for (const Program& old : programs_) {
    const bool kept = std::any_of(next.begin(), next.end(),
                                  [&](const Program& q) { return q.pmt_pid == old.pmt_pid; });
    if (!kept) {
      PidState& ps = pids_[old.pmt_pid];
      ps.pmt = false;
      ps.kind = StreamKind::kUnknown;
      ps.description = {};
      watchFor(old.pmt_pid).pmt.disarm();
    }
  }
  for (const Program& prog : next) {
    PidState& ps = pids_[prog.pmt_pid];
    if (!ps.pmt) {
      ps.pmt = true;
      ps.kind = StreamKind::kPsi;
      ps.description = "PMT";
      ensureAssembler(prog.pmt_pid);
      Watch& w = watchFor(prog.pmt_pid);
      w.pmt.arm(now + config_.pmt_period_ns);
      noteDue(w.pmt);
    }
  }
  programs_ = std::move(next);
  if (pat->nit_pid && *pat->nit_pid != nit_pid_ && *pat->nit_pid != kNullPid) {
    nit_pid_ = *pat->nit_pid;
    ensureAssembler(nit_pid_);
    pids_[nit_pid_].kind = StreamKind::kPsi;
    pids_[nit_pid_].description = "NIT";
  }
  rebuildReferences(now);
}

void Tr101290Analyzer::applyPmt(uint16_t pid, const Section& s, int64_t now) {
  if (s.size < 12) {
    return;
  }
  const uint16_t number = static_cast<uint16_t>((s.data[3] << 8) | s.data[4]);
  const uint32_t crc = crcField(s);
  for (Program& prog : programs_) {
    if (prog.number != number || prog.pmt_pid != pid) {
      continue;
    }
    if (prog.pmt_seen && prog.pmt_crc == crc) {
      return;  // a repeat
    }
    auto pmt = parsePmt(s);
    if (!pmt) {
      return;
    }
    prog.pmt = std::move(*pmt);
    prog.pmt_seen = true;
    prog.pmt_crc = crc;
    rebuildReferences(now);
    return;
  }
}

void Tr101290Analyzer::applySdt(const Section& s) {
  const auto header = parseLongHeader(s);
  if (!header || !header->current_next) {
    return;
  }
  const uint32_t crc = crcField(s);
  uint32_t& last = sdt_crc_[header->section_number];
  if (last == crc && crc != 0) {
    return;
  }
  auto sdt = parseSdt(s);
  if (!sdt) {
    return;
  }
  last = crc;
  for (SdtService& svc : sdt->services) {
    auto it = std::find_if(services_.begin(), services_.end(),
                           [&](const SdtService& x) { return x.service_id == svc.service_id; });
    if (it != services_.end()) {
      *it = std::move(svc);
    } else {
      services_.push_back(std::move(svc));
    }
  }
}

// Recomputes which PIDs the PMTs reference (1.6, 2.5) and which are PCR PIDs (2.3a).
void Tr101290Analyzer::rebuildReferences(int64_t now) {
  std::vector<const PmtStream*> es_of(kPidCount, nullptr);
  std::vector<bool> pcr(kPidCount, false);
  for (const Program& prog : programs_) {
    if (!prog.pmt_seen) {
      continue;
    }
    for (const PmtStream& es : prog.pmt.streams) {
      es_of[es.pid] = &es;
    }
    if (prog.pmt.pcr_pid != kNullPid) {
      pcr[prog.pmt.pcr_pid] = true;
    }
  }
  for (uint16_t pid = 0; pid < kPidCount; ++pid) {
    PidState& ps = pids_[pid];
    const PmtStream* es = es_of[pid];
    const bool ref = es != nullptr && !ps.pmt && pid != kPidPat && pid != kPidCat;
    if (ref) {
      Watch& w = watchFor(pid);
      if (!ps.referenced) {
        w.seen.arm(now + config_.pid_timeout_ns);
        noteDue(w.seen);
      }
      ps.kind = es->klass.kind;
      ps.description = es->klass.codec;
      ps.pes = es->klass.pes;
      if (!ps.pes) {
        w.pts.disarm();
      }
    } else if (ps.referenced) {
      Watch& w = watchFor(pid);
      w.seen.disarm();
      w.pts.disarm();
      ps.pes = false;
      ps.referenced = false;
      if (!ps.pmt && !isSiPid(pid)) {
        ps.kind = StreamKind::kUnknown;
        ps.description = {};
      }
    }
    ps.referenced = ref;
    if (ps.pcr_pid && !pcr[pid]) {
      watchFor(pid).pcr.disarm();
    }
    ps.pcr_pid = pcr[pid];
  }
}

}  // namespace srtgw::ts
