#include "perf/compare/result_file.hpp"

#include "perf/report/result_json.hpp"
#include "perf/util/document.hpp"
#include "perf/util/user_error.hpp"

namespace perf::compare {

api::RunSummary read_result_file(const std::filesystem::path& file) {
  const auto document = util::load_document(file);
  try {
    return report::summary_from_json(document, file.string());
  } catch (const UserError&) {
    throw;
  } catch (const std::exception& e) {
    // A histogram or count that does not decode: the library says what, the file says where.
    throw UserError(file.string() + ": not a readable perf-agent result: " + e.what());
  }
}

}  // namespace perf::compare
