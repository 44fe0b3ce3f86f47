#include "line_format.h"

#include <cmath>

namespace tcplab {
namespace {

// Appends to a Line without printf: the board's printf may lack float support, and
// integer tenths make the output exact (no "28.299999" or locale surprises).
class Appender {
 public:
  explicit Appender(Line& line) : line_(line) { clear(); }

  void text(std::string_view s) {
    for (char c : s) ch(c);
  }

  void ch(char c) {
    if (line_.length + 1 >= Line::kCapacity) {
      overflow_ = true;
      return;
    }
    line_.text[line_.length++] = c;
    line_.text[line_.length] = '\0';
  }

  void decimal(uint32_t value) {
    char digits[10];
    size_t n = 0;
    do {
      digits[n++] = static_cast<char>('0' + value % 10);
      value /= 10;
    } while (value != 0);
    while (n > 0) ch(digits[--n]);
  }

  // -5 -> "-0.5", 283 -> "28.3", 0 -> "0.0"
  void tenths(long value) {
    if (value < 0) ch('-');
    const unsigned long magnitude = value < 0 ? 0UL - static_cast<unsigned long>(value)
                                              : static_cast<unsigned long>(value);
    decimal(static_cast<uint32_t>(magnitude / 10));
    ch('.');
    ch(static_cast<char>('0' + magnitude % 10));
  }

  bool ok() const { return !overflow_; }

  void clear() {
    line_.length = 0;
    line_.text[0] = '\0';
  }

 private:
  Line& line_;
  bool overflow_ = false;
};

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '.' || c == '-';
}

// Rounds to tenths (half away from zero); false for NaN/inf or outside [lo, hi].
bool to_tenths(double value, double lo, double hi, long& out) {
  if (!std::isfinite(value)) return false;
  const double scaled = std::round(value * 10.0);
  if (scaled < lo * 10.0 || scaled > hi * 10.0) return false;
  out = static_cast<long>(scaled);
  return true;
}

}  // namespace

bool is_valid_device_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxDeviceNameLength) return false;
  for (char c : name) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

bool format_reading(const Reading& reading, Line& out) {
  Appender line(out);
  long t = 0;
  long h = 0;
  if (!to_tenths(reading.temperature_c, kMinTemperatureC, kMaxTemperatureC, t) ||
      !to_tenths(reading.humidity_pct, kMinHumidityPct, kMaxHumidityPct, h)) {
    return false;
  }
  line.decimal(reading.seq);
  line.ch(',');
  line.decimal(reading.millis);
  line.ch(',');
  line.tenths(t);
  line.ch(',');
  line.tenths(h);
  if (!line.ok()) line.clear();
  return line.ok();
}

bool format_hello(std::string_view name, Line& out) {
  Appender line(out);
  if (!is_valid_device_name(name)) return false;
  line.text("HELLO ");
  line.text(name);
  if (!line.ok()) line.clear();
  return line.ok();
}

}  // namespace tcplab
