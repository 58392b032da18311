#include "perf/openapi/ref_resolver.hpp"

#include "perf/util/document.hpp"
#include "perf/util/user_error.hpp"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/pct_string_view.hpp>

namespace perf::openapi {

namespace json = boost::json;
namespace fs = std::filesystem;
namespace urls = boost::urls;

namespace {

// A part of a $ref with its %XX escapes decoded. RFC 3986 allows '%' only as the start of an
// escape; the old hand-written decoder kept a stray '%' as it was, but a $ref like
// "#/components/schemas/100%" is not a URI reference, so it is refused with the fix to make.
std::string percent_decoded(std::string_view part, const std::string& ref, const fs::path& from) {
  const auto encoded = urls::make_pct_string_view(part);
  if (!encoded)
    throw UserError(from.string() + ": malformed $ref '" + ref +
                    "': a '%' that starts no %XX escape (write % as %25)");
  return encoded->decode();
}

}  // namespace

RefResolver::RefResolver(const fs::path& root) {
  std::error_code ec;
  root_path_ = fs::weakly_canonical(fs::absolute(root), ec);
  if (ec) root_path_ = fs::absolute(root);
  document(root_path_);
}

RefResolver::RefResolver(json::value root, fs::path name) : root_path_(std::move(name)) {
  documents_.emplace(root_path_, std::make_unique<json::value>(std::move(root)));
}

Located RefResolver::root() const {
  return {&document(root_path_), root_path_, ""};
}

const json::value& RefResolver::document(const fs::path& path) const {
  auto it = documents_.find(path);
  if (it != documents_.end()) return *it->second;
  auto loaded = std::make_unique<json::value>(util::load_document(path));
  return *documents_.emplace(path, std::move(loaded)).first->second;
}

Located RefResolver::resolve(const std::string& ref, const fs::path& from) const {
  // RFC 3986 3.5: the fragment starts at the first '#'. The parts are split here rather than by
  // parse_uri_reference, which refuses the spaces that file names in specs do hold.
  const auto hash = ref.find('#');
  const std::string_view raw_file = std::string_view(ref).substr(0, hash);
  const std::string file_part = percent_decoded(raw_file, ref, from);
  const std::string pointer =
      hash == std::string::npos ? "" : percent_decoded(ref.substr(hash + 1), ref, from);
  fs::path target = from;
  if (!file_part.empty()) {
    // An absolute URI ("https://...", "urn:...") names no file next to this one.
    if (const auto uri = urls::parse_uri(raw_file); uri && uri->has_scheme())
      throw UserError(from.string() + ": remote $ref '" + ref + "' is not supported");
    std::error_code ec;
    target = fs::weakly_canonical(from.parent_path() / file_part, ec);
    if (ec) target = (from.parent_path() / file_part).lexically_normal();
    // The non-throwing form: a name the system refuses (longer than NAME_MAX, found by the
    // spec_loader fuzz target) threw std::filesystem::filesystem_error, an "internal error".
    const bool exists = fs::exists(target, ec);
    if (ec && ec != std::errc::no_such_file_or_directory)
      throw UserError(from.string() + ": $ref '" + ref + "': file " + target.string() + ": " +
                      ec.message());
    if (!exists)
      throw UserError(from.string() + ": dangling $ref '" + ref + "': file " + target.string() +
                      " does not exist");
  }
  const json::value& doc = document(target);
  // RFC 6901 as Boost.JSON reads it: "/" names the member "", "~" is only "~0" or "~1", array
  // indexes have no leading zeros (the old walker read "~2" as itself, "/" as nothing and
  // "01" as 1). A bad escape or a missing leading '/' is named as malformed, once the walk
  // reaches it: a bad token after a missing member reads as missing.
  boost::system::error_code ec;
  const json::value* value = doc.find_pointer(pointer, ec);
  if (!value && (ec == json::error::invalid_escape || ec == json::error::missing_slash))
    throw UserError(from.string() + ": malformed $ref '" + ref + "': JSON pointer '" + pointer +
                    "': " + ec.message());
  if (!value)
    throw UserError(from.string() + ": dangling $ref '" + ref + "': nothing at JSON pointer '" +
                    pointer + "' in " + target.filename().string());
  return {value, target, pointer};
}

Located RefResolver::follow(Located at) const {
  for (int hops = 0; hops < 64; ++hops) {
    const auto* o = at.value ? at.value->if_object() : nullptr;
    const json::value* ref = o ? o->if_contains("$ref") : nullptr;
    if (!ref || !ref->is_string()) return at;
    at = resolve(std::string(ref->get_string()), at.document);
  }
  throw UserError(at.document.string() + ": $ref chain at '" + at.pointer +
                  "' does not end (a reference cycle)");
}

}  // namespace perf::openapi
