// Reading a result file (DESIGN §7) back for comparison and history, with errors that name the
// file, the place in it and the problem (the CLI's exit code 2).
#pragma once

#include "perf/api/reporter.hpp"

#include <filesystem>

namespace perf::compare {

// Throws perf::UserError "FILE: /test_cases/3: problem" (or FILE:LINE:COLUMN for bad JSON).
api::RunSummary read_result_file(const std::filesystem::path& file);

}  // namespace perf::compare
