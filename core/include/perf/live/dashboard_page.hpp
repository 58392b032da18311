// The live dashboard (DESIGN §10.3, `GET /`): one self-contained page, no CDN, charts drawn by
// inline JavaScript as SVG. It takes the token from the URL fragment (`/#token=...`, which never
// reaches the server) or asks for it, lists the tasks, and follows one task's WebSocket stream.
#pragma once

#include <string>

namespace perf::live {

// `task`: the task to follow at first ("" : the newest running, else the newest).
std::string dashboard_page(const std::string& task = "");

}  // namespace perf::live
