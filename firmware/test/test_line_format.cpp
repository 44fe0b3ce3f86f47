// The formatter and parser beyond the shared vectors: rounding, refusals, round trips,
// rule order.
#include <cmath>
#include <string>

#include "../src/line_format.h"
#include "../src/line_parse.h"
#include "check.h"

using namespace tcplab;

namespace {

std::string format(double t, double h, uint32_t seq = 1, uint32_t millis = 2) {
  Reading r;
  r.seq = seq;
  r.millis = millis;
  r.temperature_c = t;
  r.humidity_pct = h;
  Line line;
  return format_reading(r, line) ? std::string(line.view()) : std::string("<refused>");
}

}  // namespace

TEST_CASE(format_rounds_to_one_decimal) {
  CHECK_EQ(format(28.3f, 65.2f), "1,2,28.3,65.2");  // float input, as the DHT library returns
  CHECK_EQ(format(28.25, 65.0), "1,2,28.3,65.0");   // half away from zero
  CHECK_EQ(format(-0.25, 0.04), "1,2,-0.3,0.0");
  CHECK_EQ(format(-0.04, 99.96), "1,2,0.0,100.0");  // no "-0.0"
  CHECK_EQ(format(21, 40), "1,2,21.0,40.0");
}

TEST_CASE(format_refuses_what_the_parser_would_reject) {
  CHECK_EQ(format(std::nan(""), 40.0), "<refused>");
  CHECK_EQ(format(21.0, std::nan("")), "<refused>");
  CHECK_EQ(format(INFINITY, 40.0), "<refused>");
  CHECK_EQ(format(80.05, 40.0), "<refused>");  // rounds to 80.1
  CHECK_EQ(format(80.04, 40.0), "1,2,80.0,40.0");
  CHECK_EQ(format(-40.06, 40.0), "<refused>");
  CHECK_EQ(format(21.0, -0.06), "<refused>");
  CHECK_EQ(format(21.0, 100.06), "<refused>");
}

TEST_CASE(format_refusal_leaves_an_empty_line) {
  Reading r;
  r.temperature_c = std::nan("");
  Line line;
  line.length = 3;
  CHECK(!format_reading(r, line));
  CHECK_EQ(line.length, 0u);
  CHECK_EQ(std::string(line.text), "");
}

TEST_CASE(format_longest_reading_fits) {
  CHECK_EQ(format(-40.0, 100.0, UINT32_MAX, UINT32_MAX), "4294967295,4294967295,-40.0,100.0");
}

TEST_CASE(every_tenth_in_range_round_trips) {
  int failures = 0;
  for (int t = -400; t <= 800; ++t) {
    for (int h : {0, (t + 400) % 1001, 1000}) {
      Reading r;
      r.seq = static_cast<uint32_t>(t + 400);
      r.millis = 1234567;
      r.temperature_c = t / 10.0;
      r.humidity_pct = h / 10.0;
      Line line;
      const ParsedLine parsed = format_reading(r, line) ? parse_line(line.view()) : ParsedLine{};
      const bool same = parsed.kind == LineKind::Reading && parsed.reading.seq == r.seq &&
                        parsed.reading.temperature_c == r.temperature_c &&
                        parsed.reading.humidity_pct == r.humidity_pct;
      if (!same && ++failures <= 3) CHECK_EQ(std::string(line.view()), "a line that round-trips");
    }
  }
  CHECK_EQ(failures, 0);
}

TEST_CASE(device_names) {
  CHECK(is_valid_device_name("a"));
  CHECK(is_valid_device_name("Node_MCU-01.lab"));
  CHECK(is_valid_device_name(std::string(32, 'x')));
  CHECK(!is_valid_device_name(std::string(33, 'x')));
  CHECK(!is_valid_device_name(""));
  CHECK(!is_valid_device_name("a b"));
  CHECK(!is_valid_device_name("caf\xc3\xa9"));
  Line line;
  CHECK(!format_hello("bad name", line));
  CHECK_EQ(line.length, 0u);
  CHECK(format_hello(std::string(32, 'n'), line));
  CHECK_EQ(line.length, 38u);
}

TEST_CASE(parse_rules_apply_in_order) {
  auto reason = [](std::string_view line) { return std::string(reason_code(parse_line(line).reason)); };
  CHECK_EQ(reason("HELLOx"), "bad-device-name");      // rule 4 takes any HELLO prefix
  CHECK_EQ(reason("HELLO  two"), "bad-device-name");
  CHECK_EQ(reason("HELLO x\r\r"), "not-text");        // only one '\r' is removed
  CHECK_EQ(reason("1,2,3,4\n"), "not-text");          // the framer removes '\n', not the parser
  CHECK_EQ(reason("x,y,200,abc"), "bad-seq");         // seq before millis before values
  CHECK_EQ(reason("1,y,200,abc"), "bad-millis");
  CHECK_EQ(reason("1,2,200,abc"), "bad-humidity");    // rule 7 (format) before rule 8 (range)
  CHECK_EQ(reason("1,2,200,200"), "temperature-out-of-range");
  CHECK_EQ(reason("1,2,,1"), "bad-temperature");
  CHECK_EQ(reason("1,2,1,"), "bad-humidity");
  CHECK_EQ(reason("1,2,1,1,"), "field-count");
  CHECK_EQ(reason("007,0,-0.0,0"), "");               // leading zeros and -0.0 are fine
}

TEST_CASE(parse_hello_points_into_the_input) {
  const std::string text = "HELLO bench-7\r";
  const ParsedLine parsed = parse_line(text);
  CHECK_EQ(parsed.kind, LineKind::Hello);
  CHECK_EQ(parsed.device_name, "bench-7");
}
