// One WebSocket client of a live stream (DESIGN §10.3 `GET /api/v1/tasks/{id}/live`): the
// handshake, the history so far, then each new message as the run publishes it. A client that
// falls more than `max_backlog` messages behind is dropped (closed, with code 1008 when no write
// is under way): the run publishes
// into a queue and never waits for a socket.
#pragma once

#include "perf/live/live_feed.hpp"

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <memory>
#include <string>

namespace perf::live {

inline constexpr std::size_t max_backlog = 1024;  // live messages queued beyond the history

// Takes the upgraded connection over. `subprotocol`: echoed in the handshake when the client
// offered it (browsers send the token as `bearer.TOKEN` and refuse a handshake that does not
// name one of their offers).
void serve_live_socket(boost::beast::tcp_stream stream,
                       boost::beast::http::request<boost::beast::http::string_body> request,
                       std::shared_ptr<LiveFeed> feed, std::string subprotocol);

}  // namespace perf::live
