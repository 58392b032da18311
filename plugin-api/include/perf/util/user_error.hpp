// Errors caused by what the user gave us (a file, a flag, a URL): reported as one line, exit 2.
#pragma once

#include <stdexcept>
#include <string>

namespace perf {

class UserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace perf
