// Request targets ("/path?query", the origin-form of RFC 9112 3.2.1) as Boost.URL values, for the
// code that edits their query: the SDK's paging helpers and core's request building.
#pragma once

#include <boost/url/url.hpp>

#include <string_view>

namespace perf::http {

// `target` ready to edit. Never throws: a target RFC 3986 does not allow (a space, a brace, a
// byte above 127, a '%' that starts no escape: spec paths and plan files hold such things) comes
// back with those bytes percent-encoded.
boost::urls::url request_target(std::string_view target);

// Appends name=value to the query, each percent-encoded as data (percent_encode), so that '+',
// '&', '=' and '%' reach the server as themselves: Boost.URL's own params() leaves '+' as it is,
// which servers decoding forms read as a space.
void append_query(boost::urls::url& target, std::string_view name, std::string_view value);

}  // namespace perf::http
