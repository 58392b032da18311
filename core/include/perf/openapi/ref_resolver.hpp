// Resolves JSON References ($ref) across the files of a multi-file spec: local pointers
// ("#/components/schemas/Pet"), relative files ("../common/Error.json#/Error", "pets.yaml"),
// with documents loaded once and cached.
#pragma once

#include <boost/json/value.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

namespace perf::openapi {

// A value and the document it lives in (relative refs inside it resolve from that document).
struct Located {
  const boost::json::value* value = nullptr;
  std::filesystem::path document;
  std::string pointer;  // JSON pointer inside the document
  std::string key() const { return document.string() + "#" + pointer; }
};

class RefResolver {
 public:
  // Loads the root document. Throws perf::UserError with file:line:column on a parse error.
  explicit RefResolver(const std::filesystem::path& root);
  // For an in-memory document (tests, quick mode).
  RefResolver(boost::json::value root, std::filesystem::path name);

  Located root() const;

  // Follows `$ref` (repeatedly, for refs to refs) from `at`; returns `at` itself when it holds
  // no $ref. Throws perf::UserError "FILE: dangling $ref 'X' (JSON pointer /a/b ...)".
  Located follow(Located at) const;
  // The target of one reference string written in `from`.
  Located resolve(const std::string& ref, const std::filesystem::path& from) const;

  std::size_t documents_loaded() const { return documents_.size(); }

 private:
  const boost::json::value& document(const std::filesystem::path& path) const;

  std::filesystem::path root_path_;
  mutable std::map<std::filesystem::path, std::unique_ptr<boost::json::value>> documents_;
};

}  // namespace perf::openapi
