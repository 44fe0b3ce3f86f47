#include "line_parse.h"

#include <cstdlib>
#include <string>

#include "line_format.h"

namespace tcplab {
namespace {

ParsedLine invalid(Reason reason) {
  ParsedLine result;
  result.reason = reason;
  return result;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_text(std::string_view line) {
  for (char c : line) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte > 0x7E) return false;
  }
  return true;
}

// Rule 6: decimal digits only (no sign, no space), value < 2^32.
bool parse_u32(std::string_view field, uint32_t& out) {
  if (field.empty()) return false;
  uint64_t value = 0;
  for (char c : field) {
    if (!is_digit(c)) return false;
    value = value * 10 + static_cast<uint64_t>(c - '0');
    if (value > UINT32_MAX) return false;  // checked per digit, so it cannot overflow
  }
  out = static_cast<uint32_t>(value);
  return true;
}

// Rule 7: -?[0-9]+(\.[0-9]+)?  -- no "+", no ".5", no "28.", no exponent, no nan/inf.
bool is_decimal_number(std::string_view field) {
  size_t i = 0;
  if (i < field.size() && field[i] == '-') ++i;
  const size_t int_start = i;
  while (i < field.size() && is_digit(field[i])) ++i;
  if (i == int_start) return false;
  if (i == field.size()) return true;
  if (field[i] != '.') return false;
  const size_t frac_start = ++i;
  while (i < field.size() && is_digit(field[i])) ++i;
  return i > frac_start && i == field.size();
}

// Only called after is_decimal_number, so strtod sees nothing it could read differently
// (no hex, no exponent). The nearest double, as Swift's Double(String) gives. Host-only
// code never calls setlocale, so the decimal point is '.'.
double to_double(std::string_view field) {
  const std::string text(field);
  return std::strtod(text.c_str(), nullptr);
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

ParsedLine parse_hello(std::string_view line) {
  constexpr std::string_view kPrefix = "HELLO ";
  if (!starts_with(line, kPrefix)) return invalid(Reason::BadDeviceName);  // "HELLO", "HELLOx"
  const std::string_view name = line.substr(kPrefix.size());
  if (!is_valid_device_name(name)) return invalid(Reason::BadDeviceName);
  ParsedLine result;
  result.kind = LineKind::Hello;
  result.device_name = name;
  return result;
}

}  // namespace

const char* reason_code(Reason reason) {
  switch (reason) {
    case Reason::None: return "";
    case Reason::NotText: return "not-text";
    case Reason::EmptyLine: return "empty-line";
    case Reason::BadDeviceName: return "bad-device-name";
    case Reason::FieldCount: return "field-count";
    case Reason::BadSeq: return "bad-seq";
    case Reason::BadMillis: return "bad-millis";
    case Reason::BadTemperature: return "bad-temperature";
    case Reason::BadHumidity: return "bad-humidity";
    case Reason::TemperatureOutOfRange: return "temperature-out-of-range";
    case Reason::HumidityOutOfRange: return "humidity-out-of-range";
  }
  return "";
}

ParsedLine parse_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // rule 1
  if (!is_text(line)) return invalid(Reason::NotText);               // rule 2
  if (line.empty()) return invalid(Reason::EmptyLine);               // rule 3
  if (starts_with(line, "HELLO")) return parse_hello(line);          // rule 4

  std::string_view fields[4];  // rule 5
  size_t count = 0;
  size_t start = 0;
  for (size_t i = 0; i <= line.size(); ++i) {
    if (i < line.size() && line[i] != ',') continue;
    if (count == 4) return invalid(Reason::FieldCount);
    fields[count++] = line.substr(start, i - start);
    start = i + 1;
  }
  if (count != 4) return invalid(Reason::FieldCount);

  ParsedLine result;
  Reading& r = result.reading;
  if (!parse_u32(fields[0], r.seq)) return invalid(Reason::BadSeq);  // rule 6
  if (!parse_u32(fields[1], r.millis)) return invalid(Reason::BadMillis);
  if (!is_decimal_number(fields[2])) return invalid(Reason::BadTemperature);  // rule 7
  if (!is_decimal_number(fields[3])) return invalid(Reason::BadHumidity);
  r.temperature_c = to_double(fields[2]);
  r.humidity_pct = to_double(fields[3]);
  if (r.temperature_c < kMinTemperatureC || r.temperature_c > kMaxTemperatureC) {  // rule 8
    return invalid(Reason::TemperatureOutOfRange);
  }
  if (r.humidity_pct < kMinHumidityPct || r.humidity_pct > kMaxHumidityPct) {
    return invalid(Reason::HumidityOutOfRange);
  }
  result.kind = LineKind::Reading;
  return result;
}

}  // namespace tcplab
