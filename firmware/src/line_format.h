// Formatting: the exact canonical lines of testdata/sensor_lines.tsv.
#pragma once

#include <string_view>

#include "sensor_line.h"

namespace tcplab {

// A-Z a-z 0-9 _ . - and 1..32 characters (rule 4).
bool is_valid_device_name(std::string_view name);

// "<seq>,<millis>,<t>,<h>" with one decimal each, e.g. "12,1234567,28.3,65.2".
// Values are rounded to tenths first; returns false (and leaves an empty line) for NaN,
// infinity, or a rounded value outside the sensor range, so every line it makes parses.
bool format_reading(const Reading& reading, Line& out);

// "HELLO <name>"; false for an invalid name.
bool format_hello(std::string_view name, Line& out);

}  // namespace tcplab
