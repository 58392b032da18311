// The comparison as one self-contained HTML page (perf-agent compare --report html:FILE): per
// case the table, the two latency distributions overlaid and the two per-second series.
#pragma once

#include "perf/compare/run_comparison.hpp"

#include <string>

namespace perf::compare {

// The case sections alone (a reporter embeds them in its own page), and the whole page.
std::string comparison_sections(const Comparison& comparison, const api::RunSummary& base,
                                const api::RunSummary& now);
std::string comparison_page(const Comparison& comparison, const api::RunSummary& base,
                            const api::RunSummary& now);

}  // namespace perf::compare
