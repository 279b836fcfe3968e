#pragma once
// A TS analysis snapshot as the API shows it: indicators (with first/last occurrence on the
// wall clock), services, PIDs, totals.

#include <nlohmann/json.hpp>

#include "ts/analysis_snapshot.hpp"

namespace srtgw::control {

/// `skipped` is the engine's count of TS packets the analyzer could not look at.
nlohmann::json toJson(const ts::AnalysisSnapshot& a, uint64_t skipped);

/// The short form for /api/v1/status: worst active priority, alarm count, is_ts.
nlohmann::json analysisSummary(const ts::AnalysisSnapshot* a);

}  // namespace srtgw::control
