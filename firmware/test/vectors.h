// Reader for testdata/sensor_lines.tsv, the vectors shared with the Swift parser's tests.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vectors {

struct Vector {
  int line_number = 0;  // in the .tsv, for messages
  std::string kind;     // valid | invalid | hello
  std::string line;     // unescaped, without terminator
  std::string seq, millis, temperature, humidity;
  std::string canonical;  // yes | no
  std::string reason;     // reason code (invalid) or device name (hello)
};

struct File {
  std::vector<Vector> vectors;
  std::vector<std::string> reason_codes;  // from the "# Reason codes:" header lines
};

// Escapes of the line column: \r \n \t \\ \xHH. False on a malformed escape.
bool unescape(std::string_view text, std::string& out);

// False with `error` set if the file is missing or a row is malformed.
bool load(const std::string& path, File& file, std::string& error);

}  // namespace vectors
