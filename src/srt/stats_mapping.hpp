#pragma once
// Internal to src/srt (and its unit test): the pure mapping from libsrt's struct.

#include <srt/srt.h>

#include "srt/stats.hpp"

namespace srtgw::srt {

SrtLinkStats mapLinkStats(const SRT_TRACEBSTATS& s);

}  // namespace srtgw::srt
