#define BOOST_TEST_MODULE documents
#include "perf/util/document.hpp"
#include "perf/util/files.hpp"
#include "perf/util/user_error.hpp"
#include "process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <sys/resource.h>

#include <csignal>
#include <filesystem>

using perf::util::parse_document;

namespace {
std::string error_of(std::string_view text, const std::string& name) {
  try {
    parse_document(text, name);
  } catch (const perf::UserError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

BOOST_AUTO_TEST_SUITE(documents)

BOOST_AUTO_TEST_CASE(yaml_keeps_response_codes_and_dates_as_strings) {
  const auto v = parse_document(
      "responses:\n  200:\n    description: ok\nreleased: 2024-01-15\ncount: 42\nratio: 0.5\n"
      "flag: true\nquoted: \"17\"\nnothing: ~\nversion: 1.0\n",
      "x.yaml");
  const auto& o = v.as_object();
  BOOST_TEST(o.at("responses").as_object().contains("200"));
  BOOST_TEST(o.at("released").as_string() == "2024-01-15");
  BOOST_TEST(o.at("count").as_int64() == 42);
  BOOST_TEST(o.at("ratio").as_double() == 0.5);
  BOOST_TEST(o.at("flag").as_bool());
  BOOST_TEST(o.at("quoted").as_string() == "17");
  BOOST_TEST(o.at("nothing").is_null());
}

// Found by fuzz/plan_fuzz: `801e400` threw std::out_of_range (std::stod) out of the loader.
BOOST_AUTO_TEST_CASE(yaml_numbers_beyond_a_double_keep_their_digits) {
  const auto v =
      parse_document("huge: 801e400\ntiny: -1e-400\nplus: +2.5\nfine: 1e300\n", "x.yaml");
  const auto& o = v.as_object();
  BOOST_TEST(o.at("huge").as_string() == "801e400");
  BOOST_TEST(o.at("tiny").as_string() == "-1e-400");
  BOOST_TEST(o.at("plus").as_double() == 2.5);
  BOOST_TEST(o.at("fine").as_double() == 1e300);
}

BOOST_AUTO_TEST_CASE(truncated_json_names_file_line_and_column) {
  const auto message = error_of("{\n  \"openapi\": \"3.0.0\",\n  \"paths\": {", "spec.json");
  BOOST_TEST(message.rfind("spec.json:3:", 0) == 0, message);
  BOOST_TEST(message.find("invalid JSON") != std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(badly_indented_yaml_names_file_line_and_column) {
  const auto message =
      error_of("openapi: 3.0.0\npaths:\n  /a:\n    get: {}\n   bad: [\n", "spec.yaml");
  BOOST_TEST(message.rfind("spec.yaml:", 0) == 0, message);
  BOOST_TEST(message.find("invalid YAML") != std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(atomic_write_leaves_no_temporary_file) {
  const auto dir = std::filesystem::path(perf::test::temp_dir()) / "atomic";
  perf::util::write_file_atomically(dir / "out.json", "{\"a\":1}");
  perf::util::write_file_atomically(dir / "out.json", "{\"a\":2}");
  BOOST_TEST(perf::util::read_file(dir / "out.json") == "{\"a\":2}");
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir)) files += e.is_regular_file();
  BOOST_TEST(files == 1);
}

BOOST_AUTO_TEST_CASE(a_failed_atomic_write_names_the_reason_and_keeps_the_old_file) {
  const auto dir = std::filesystem::path(perf::test::temp_dir()) / "atomic-limit";
  perf::util::write_file_atomically(dir / "out.json", "{\"old\":1}");
  // A file size limit below the new content (SIGXFSZ ignored, as perf-agent's main does): the
  // write fails with EFBIG, which must reach the message.
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit saved{};
  ::getrlimit(RLIMIT_FSIZE, &saved);
  rlimit small = saved;
  small.rlim_cur = 100;
  ::setrlimit(RLIMIT_FSIZE, &small);
  std::string message;
  try {
    perf::util::write_file_atomically(dir / "out.json", std::string(1000, 'x'));
  } catch (const std::runtime_error& e) {
    message = e.what();
  }
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, old_handler);
  BOOST_TEST(message == (dir / "out.json").string() + ": cannot write: File too large");
  BOOST_TEST(perf::util::read_file(dir / "out.json") == "{\"old\":1}");
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir)) files += e.is_regular_file();
  BOOST_TEST(files == 1);  // no temporary file left
}

BOOST_AUTO_TEST_CASE(a_missing_file_is_a_user_error_naming_it) {
  BOOST_CHECK_EXCEPTION(perf::util::load_document("/nonexistent/spec.yaml"), perf::UserError,
                        [](const perf::UserError& e) {
                          return std::string(e.what()).find("/nonexistent/spec.yaml") !=
                                 std::string::npos;
                        });
}

BOOST_AUTO_TEST_SUITE_END()
