# Writes OUT, a copy of the SDK header IN with one named edit (MUTATION), for the ABI guard's own
# tests; fails when IN no longer holds the text the edit needs. cmake -DMUTATION= -DIN= -DOUT= -P
cmake_minimum_required(VERSION 3.25)
file(READ "${IN}" text)

# Replaces `from`, which must occur exactly once, with `to`.
function(replace_once from to)
  string(FIND "${text}" "${from}" first)
  string(FIND "${text}" "${from}" last REVERSE)
  if(first EQUAL -1 OR NOT first EQUAL last)
    message(FATAL_ERROR "mutation ${MUTATION}: '${from}' is not in ${IN} exactly once; "
                        "update tests/abi/mutate.cmake")
  endif()
  string(REPLACE "${from}" "${to}" text "${text}")
  set(text "${text}" PARENT_SCOPE)
endfunction()

function(raise name)
  if(NOT text MATCHES "${name} = ([0-9]+);")
    message(FATAL_ERROR "mutation ${MUTATION}: no '${name} = N;' in ${IN}")
  endif()
  math(EXPR raised "${CMAKE_MATCH_1} + 1")
  replace_once("${name} = ${CMAKE_MATCH_1};" "${name} = ${raised};")
  set(text "${text}" PARENT_SCOPE)
endfunction()

if(MUTATION STREQUAL "metrics_field")  # metrics.hpp: a field in the middle of Metrics
  replace_once("  std::uint64_t retried_requests = 0;"
               "  std::uint64_t abi_guard_probe = 0;\n  std::uint64_t retried_requests = 0;")
elseif(MUTATION STREQUAL "testcase_appended_field")  # test_case.hpp: a field at TestCase's end
  replace_once("  boost::json::object parameters;"  # the last field; its comment ends up after ours
               "  boost::json::object parameters;\n  std::string abi_guard_probe;")
elseif(MUTATION STREQUAL "reporter_virtual_removed")  # reporter.hpp
  replace_once("  virtual void interval(const Snapshot&) {}\n" "")
elseif(MUTATION STREQUAL "session_parameter_changed")  # session.hpp: same slot, other parameter
  replace_once("sleep(double seconds)" "sleep(float seconds)")
elseif(MUTATION STREQUAL "minor_raised")  # version.hpp
  raise(sdk_minor)
elseif(MUTATION STREQUAL "major_raised")  # version.hpp
  raise(sdk_major)
else()
  message(FATAL_ERROR "unknown mutation '${MUTATION}'")
endif()
file(WRITE "${OUT}" "${text}")
