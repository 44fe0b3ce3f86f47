// Every row of testdata/sensor_lines.tsv, both ways: parse to the values or the reason,
// and (canonical rows) format back to exactly the same line.
#include <algorithm>
#include <cstdlib>
#include <string>

#include "../src/line_format.h"
#include "../src/line_parse.h"
#include "check.h"
#include "vectors.h"

using namespace tcplab;

namespace {

const Reason kAllReasons[] = {
    Reason::NotText,        Reason::EmptyLine,   Reason::BadDeviceName,
    Reason::FieldCount,     Reason::BadSeq,      Reason::BadMillis,
    Reason::BadTemperature, Reason::BadHumidity, Reason::TemperatureOutOfRange,
    Reason::HumidityOutOfRange,
};

std::string printable(const std::string& raw) {
  std::string out;
  for (char c : raw) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7F && c != '\\') {
      out += c;
    } else {
      static const char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

Reading expected_reading(const vectors::Vector& v) {
  Reading r;
  r.seq = static_cast<uint32_t>(std::stoul(v.seq));
  r.millis = static_cast<uint32_t>(std::stoul(v.millis));
  r.temperature_c = std::strtod(v.temperature.c_str(), nullptr);
  r.humidity_pct = std::strtod(v.humidity.c_str(), nullptr);
  return r;
}

void check_valid(const vectors::Vector& v) {
  const Reading want = expected_reading(v);
  const ParsedLine got = parse_line(v.line);
  CHECK_EQ(got.kind, LineKind::Reading);
  CHECK_EQ(std::string(reason_code(got.reason)), "");
  CHECK_EQ(got.reading.seq, want.seq);
  CHECK_EQ(got.reading.millis, want.millis);
  CHECK_EQ(got.reading.temperature_c, want.temperature_c);
  CHECK_EQ(got.reading.humidity_pct, want.humidity_pct);

  Line formatted;
  CHECK(format_reading(want, formatted));
  if (v.canonical == "yes") {
    CHECK_EQ(formatted.view(), v.line);
  } else {
    CHECK(formatted.view() != v.line);  // "no" must really be non-canonical
    CHECK(parse_line(formatted.view()).kind == LineKind::Reading);
  }
}

void check_hello(const vectors::Vector& v) {
  const ParsedLine got = parse_line(v.line);
  CHECK_EQ(got.kind, LineKind::Hello);
  CHECK_EQ(got.device_name, v.reason);
  if (v.canonical == "yes") {
    Line formatted;
    CHECK(format_hello(v.reason, formatted));
    CHECK_EQ(formatted.view(), v.line);
  }
}

void check_invalid(const vectors::Vector& v) {
  const ParsedLine got = parse_line(v.line);
  CHECK_EQ(got.kind, LineKind::Invalid);
  CHECK_EQ(std::string(reason_code(got.reason)), v.reason);
}

}  // namespace

// Adds one case per vector, plus checks on the file itself. Called from main with the
// path the Makefile resolved.
void register_vector_cases(const std::string& path) {
  vectors::File file;
  std::string error;
  if (!vectors::load(path, file, error)) {
    check::add_case("vectors: load " + path, [error] { check::fail(__FILE__, __LINE__, error); });
    return;
  }

  check::add_case("vectors: the file covers every kind and every reason code", [file] {
    CHECK(file.vectors.size() >= 30);
    for (const char* kind : {"valid", "invalid", "hello"}) {
      CHECK(std::any_of(file.vectors.begin(), file.vectors.end(),
                        [&](const vectors::Vector& v) { return v.kind == kind; }));
    }
    for (Reason reason : kAllReasons) {
      CHECK(std::any_of(file.vectors.begin(), file.vectors.end(),
                        [&](const vectors::Vector& v) { return v.reason == reason_code(reason); }));
    }
  });

  check::add_case("vectors: the header's reason codes are exactly the parser's", [file] {
    std::vector<std::string> ours;
    for (Reason reason : kAllReasons) ours.emplace_back(reason_code(reason));
    std::vector<std::string> theirs = file.reason_codes;
    std::sort(ours.begin(), ours.end());
    std::sort(theirs.begin(), theirs.end());
    CHECK_EQ(theirs.size(), ours.size());
    CHECK(theirs == ours);
  });

  for (const vectors::Vector& v : file.vectors) {
    const std::string name = "sensor_lines.tsv:" + std::to_string(v.line_number) + " " + v.kind +
                             " \"" + printable(v.line) + "\"";
    check::add_case(name, [v] {
      if (v.kind == "valid") {
        check_valid(v);
      } else if (v.kind == "hello") {
        check_hello(v);
      } else if (v.kind == "invalid") {
        check_invalid(v);
      } else {
        check::fail(__FILE__, __LINE__, "unknown kind '" + v.kind + "'");
      }
    });
  }
}
