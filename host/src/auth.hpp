// Credentials and --header lines turned into what every request carries. An API key goes where
// the spec's apiKey security scheme puts it (header, query or cookie); without such a scheme, in
// a header of the given name.
#pragma once

#include "command_line.hpp"
#include "perf/plan/plan_io.hpp"
#include "perf/run/request_decoration.hpp"

namespace perf::host {

run::RequestDecoration request_decoration(const CommandLine& cl,
                                          const std::vector<api::SecurityScheme>& schemes);

std::string base64(std::string_view bytes);

}  // namespace perf::host
