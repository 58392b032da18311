#include "perf/openapi/ref_resolver.hpp"

#include "perf/util/document.hpp"
#include "perf/util/user_error.hpp"

#include <boost/json.hpp>

namespace perf::openapi {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += char(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

const json::value* walk_pointer(const json::value& document, std::string_view pointer) {
  const json::value* at = &document;
  if (pointer.empty() || pointer == "/") return pointer.empty() ? at : nullptr;
  if (pointer.front() != '/') return nullptr;
  std::size_t pos = 1;
  while (true) {
    const auto next = pointer.find('/', pos);
    std::string token(pointer.substr(pos, next == std::string_view::npos ? next : next - pos));
    std::string decoded;
    for (std::size_t i = 0; i < token.size(); ++i) {
      if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
        decoded += token[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        decoded += token[i];
      }
    }
    if (const auto* o = at->if_object()) {
      at = o->if_contains(decoded);
    } else if (const auto* a = at->if_array()) {
      std::size_t index = 0;
      try {
        index = std::stoul(decoded);
      } catch (...) {
        return nullptr;
      }
      at = index < a->size() ? &(*a)[index] : nullptr;
    } else {
      return nullptr;
    }
    if (!at) return nullptr;
    if (next == std::string_view::npos) return at;
    pos = next + 1;
  }
}

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
  const auto hash = ref.find('#');
  const std::string file_part = percent_decode(ref.substr(0, hash));
  std::string pointer = hash == std::string::npos ? "" : percent_decode(ref.substr(hash + 1));
  fs::path target = from;
  if (!file_part.empty()) {
    if (file_part.find("://") != std::string::npos)
      throw UserError(from.string() + ": remote $ref '" + ref + "' is not supported");
    std::error_code ec;
    target = fs::weakly_canonical(from.parent_path() / file_part, ec);
    if (ec) target = (from.parent_path() / file_part).lexically_normal();
    if (!fs::exists(target))
      throw UserError(from.string() + ": dangling $ref '" + ref + "': file " + target.string() +
                      " does not exist");
  }
  const json::value& doc = document(target);
  const json::value* value = walk_pointer(doc, pointer);
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
