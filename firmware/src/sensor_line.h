// The values and limits of one sensor line, shared by the formatter and the parser.
// The rules live in testdata/README.md; the Swift server reads the same vectors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tcplab {

// Rule 8 of testdata/README.md: the DHT11/DHT22 measuring range.
constexpr double kMinTemperatureC = -40.0;
constexpr double kMaxTemperatureC = 80.0;
constexpr double kMinHumidityPct = 0.0;
constexpr double kMaxHumidityPct = 100.0;

// Rule 4: HELLO names are 1-32 characters of A-Z a-z 0-9 _ . -
constexpr size_t kMaxDeviceNameLength = 32;

struct Reading {
  uint32_t seq = 0;     // counts the board's readings from 0
  uint32_t millis = 0;  // board uptime when the sensor was read
  double temperature_c = 0.0;
  double humidity_pct = 0.0;
};

// One line WITHOUT its "\r\n", in a fixed buffer so the board never allocates.
// Longest reading: "4294967295,4294967295,-40.0,100.0" (33); longest hello: 6 + 32 = 38.
struct Line {
  static constexpr size_t kCapacity = 48;
  char text[kCapacity] = {};  // always NUL-terminated, handy for Serial.println
  size_t length = 0;

  std::string_view view() const { return std::string_view(text, length); }
};

}  // namespace tcplab
