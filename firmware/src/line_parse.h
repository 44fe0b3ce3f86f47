// Parsing and validation of one framed line, by the rules of testdata/README.md.
// The board never parses; this exists so the host tests can check the vectors both ways
// and so the C++ and Swift parsers give the same reason for the same bad line.
#pragma once

#include <cstdint>
#include <string_view>

#include "sensor_line.h"

namespace tcplab {

enum class LineKind : uint8_t { Reading, Hello, Invalid };

// In the order the rules are checked; the first rule that fails is the reason.
enum class Reason : uint8_t {
  None,
  NotText,
  EmptyLine,
  BadDeviceName,
  FieldCount,
  BadSeq,
  BadMillis,
  BadTemperature,
  BadHumidity,
  TemperatureOutOfRange,
  HumidityOutOfRange,
};

// The machine-readable code, e.g. "bad-seq"; "" for Reason::None.
const char* reason_code(Reason reason);

struct ParsedLine {
  LineKind kind = LineKind::Invalid;
  Reason reason = Reason::None;
  Reading reading;               // set when kind == Reading
  std::string_view device_name;  // set when kind == Hello; points into the input
};

// `line` is one line with its '\n' already removed by the framer; a trailing '\r' is allowed.
ParsedLine parse_line(std::string_view line);

}  // namespace tcplab
