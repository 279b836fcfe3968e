#include "ts/stream_type.hpp"

namespace srtgw::ts {
namespace {

// DVB descriptor tags (ETSI EN 300 468 table 12) used to recognise private-data streams.
constexpr uint8_t kRegistrationTag = 0x05;
constexpr uint8_t kVbiTeletextTag = 0x46;
constexpr uint8_t kTeletextTag = 0x56;
constexpr uint8_t kSubtitlingTag = 0x59;
constexpr uint8_t kAc3Tag = 0x6A;
constexpr uint8_t kEnhancedAc3Tag = 0x7A;
constexpr uint8_t kDtsTag = 0x7B;
constexpr uint8_t kAacTag = 0x7C;
constexpr uint8_t kExtensionTag = 0x7F;
constexpr uint8_t kAc4ExtensionTag = 0x15;

StreamClass fromRegistration(uint32_t reg) {
  switch (reg) {
    case fourCc("AC-3"):
      return {StreamKind::kAudio, "AC-3"};
    case fourCc("EAC3"):
      return {StreamKind::kAudio, "E-AC-3"};
    case fourCc("AC-4"):
      return {StreamKind::kAudio, "AC-4"};
    case fourCc("Opus"):
      return {StreamKind::kAudio, "Opus"};
    case fourCc("BSSD"):
      return {StreamKind::kAudio, "SMPTE 302M"};
    case fourCc("HEVC"):
      return {StreamKind::kVideo, "HEVC"};
    case fourCc("CUEI"):
      return {StreamKind::kScte35, "SCTE-35", false};
    case fourCc("KLVA"):
      return {StreamKind::kData, "KLV"};
    case fourCc("ID3 "):
      return {StreamKind::kData, "ID3"};
    default:
      return {};
  }
}

StreamClass fromStreamType(uint8_t stream_type) {
  switch (stream_type) {
    case 0x01:
      return {StreamKind::kVideo, "MPEG-1 video"};
    case 0x02:
      return {StreamKind::kVideo, "MPEG-2 video"};
    case 0x03:
      return {StreamKind::kAudio, "MPEG-1 audio"};
    case 0x04:
      return {StreamKind::kAudio, "MPEG-2 audio"};
    case 0x05:
      return {StreamKind::kData, "private sections", false};
    case 0x06:
      return {StreamKind::kData, "private data"};
    case 0x0B:
    case 0x0C:
    case 0x0D:
      return {StreamKind::kData, "DSM-CC", false};
    case 0x0F:
      return {StreamKind::kAudio, "AAC (ADTS)"};
    case 0x10:
      return {StreamKind::kVideo, "MPEG-4 video"};
    case 0x11:
      return {StreamKind::kAudio, "AAC (LATM)"};
    case 0x15:
      return {StreamKind::kData, "metadata"};
    case 0x1B:
      return {StreamKind::kVideo, "H.264"};
    case 0x1C:
      return {StreamKind::kAudio, "MPEG-4 audio"};
    case 0x20:
      return {StreamKind::kVideo, "H.264 MVC"};
    case 0x24:
      return {StreamKind::kVideo, "HEVC"};
    case 0x33:
      return {StreamKind::kVideo, "VVC"};
    case 0x42:
      return {StreamKind::kVideo, "AVS"};
    case 0x81:
      return {StreamKind::kAudio, "AC-3"};
    case 0x82:
      return {StreamKind::kAudio, "DTS"};
    case 0x86:
      return {StreamKind::kScte35, "SCTE-35", false};
    case 0x87:
      return {StreamKind::kAudio, "E-AC-3"};
    case 0xD1:
      return {StreamKind::kVideo, "Dirac"};
    case 0xEA:
      return {StreamKind::kVideo, "VC-1"};
    default:
      return {StreamKind::kData, "unknown"};
  }
}

}  // namespace

std::string_view streamKindName(StreamKind kind) {
  switch (kind) {
    case StreamKind::kPsi:
      return "psi";
    case StreamKind::kVideo:
      return "video";
    case StreamKind::kAudio:
      return "audio";
    case StreamKind::kSubtitles:
      return "subtitles";
    case StreamKind::kTeletext:
      return "teletext";
    case StreamKind::kScte35:
      return "scte35";
    case StreamKind::kData:
      return "data";
    case StreamKind::kNull:
      return "null";
    case StreamKind::kUnknown:
      break;
  }
  return "unknown";
}

StreamClass classifyStream(uint8_t stream_type, const uint8_t* es_descriptors, size_t len) {
  StreamClass by_descriptor;
  uint32_t registration = 0;
  forEachDescriptor(es_descriptors, len, [&](uint8_t tag, const uint8_t* body, size_t n) {
    switch (tag) {
      case kRegistrationTag:
        if (n >= 4) {
          registration = (uint32_t{body[0]} << 24) | (uint32_t{body[1]} << 16) |
                         (uint32_t{body[2]} << 8) | body[3];
        }
        break;
      case kAc3Tag:
        by_descriptor = {StreamKind::kAudio, "AC-3"};
        break;
      case kEnhancedAc3Tag:
        by_descriptor = {StreamKind::kAudio, "E-AC-3"};
        break;
      case kDtsTag:
        by_descriptor = {StreamKind::kAudio, "DTS"};
        break;
      case kAacTag:
        by_descriptor = {StreamKind::kAudio, "AAC"};
        break;
      case kTeletextTag:
      case kVbiTeletextTag:
        by_descriptor = {StreamKind::kTeletext, "teletext"};
        break;
      case kSubtitlingTag:
        by_descriptor = {StreamKind::kSubtitles, "DVB subtitles"};
        break;
      case kExtensionTag:
        if (n >= 1 && body[0] == kAc4ExtensionTag) {
          by_descriptor = {StreamKind::kAudio, "AC-4"};
        }
        break;
      default:
        break;
    }
  });
  // Private stream types (PES private data 0x06, user private 0x80 and up) are told apart by
  // their descriptors first, then by a registration descriptor.
  if (stream_type == 0x06 || stream_type >= 0x80) {
    if (by_descriptor.kind != StreamKind::kUnknown) {
      return by_descriptor;
    }
    const StreamClass by_reg = fromRegistration(registration);
    if (by_reg.kind != StreamKind::kUnknown) {
      return by_reg;
    }
  }
  const StreamClass by_type = fromStreamType(stream_type);
  if (by_type.codec != "unknown") {
    return by_type;
  }
  const StreamClass by_reg = fromRegistration(registration);
  return by_reg.kind != StreamKind::kUnknown ? by_reg : by_type;
}

}  // namespace srtgw::ts
