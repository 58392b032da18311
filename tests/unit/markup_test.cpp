// Escaping for the HTML and JUnit reports: every markup character, and XML 1.0's forbidden
// control characters, so a response body or a server's header can never break a report.
#include "perf/util/markup.hpp"

#include <boost/test/unit_test.hpp>

BOOST_AUTO_TEST_SUITE(markup)

BOOST_AUTO_TEST_CASE(markup_characters_are_escaped_and_the_rest_kept) {
  BOOST_TEST(perf::util::escape_markup(R"(a & b <c> "d" 'e')") ==
             R"(a &amp; b &lt;c&gt; &quot;d&quot; 'e')");
  BOOST_TEST(perf::util::escape_markup("&amp;") == "&amp;amp;");  // escaped again, not trusted
}

BOOST_AUTO_TEST_CASE(xml_1_0_gets_no_control_characters_and_keeps_newlines_in_attributes) {
  const std::string text = std::string("x\x01y\x1f", 4) + "\nz";
  BOOST_TEST(perf::util::escape_markup(text, true) == "x y &#10;z");
  BOOST_TEST(perf::util::escape_markup("line\nbreak", false) == "line\nbreak");
}

BOOST_AUTO_TEST_SUITE_END()
