// libFuzzer target: the service's AgentTask reader (core/src/service/agent_task.cpp), which takes
// request bodies from the network. A body that is not JSON is refused before it; perf::UserError
// is the documented answer to JSON that is not a task; anything else is a finding.
#include "perf/service/agent_task.hpp"
#include "perf/util/user_error.hpp"

#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  boost::system::error_code ec;
  const auto body = boost::json::parse(text, ec);
  if (ec) return 0;
  try {
    perf::service::parse_agent_task(body, "request body");
  } catch (const perf::UserError&) {
  }
  return 0;
}
