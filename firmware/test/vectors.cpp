#include "vectors.h"

#include <fstream>

namespace vectors {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == separator) {
      parts.emplace_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '#')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

// The header continues the code list on following comment lines until a blank comment.
void collect_reason_codes(std::string_view text, File& file) {
  for (const std::string& part : split(text, ',')) {
    const std::string code = trim(part);
    if (!code.empty()) file.reason_codes.push_back(code);
  }
}

}  // namespace

bool unescape(std::string_view text, std::string& out) {
  out.clear();
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    if (++i == text.size()) return false;
    switch (text[i]) {
      case 'r': out += '\r'; break;
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case '\\': out += '\\'; break;
      case 'x': {
        if (i + 2 >= text.size()) return false;  // needs two hex digits after 'x'
        const int hi = hex_value(text[i + 1]);
        const int lo = hex_value(text[i + 2]);
        if (hi < 0 || lo < 0) return false;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        break;
      }
      default: return false;
    }
  }
  return true;
}

bool load(const std::string& path, File& file, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open " + path;
    return false;
  }
  constexpr std::string_view kCodesHeader = "# Reason codes:";
  bool in_codes = false;
  std::string text;
  int number = 0;
  while (std::getline(in, text)) {
    ++number;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.empty()) continue;
    if (text[0] == '#') {
      const std::string_view comment(text);
      if (comment.substr(0, kCodesHeader.size()) == kCodesHeader) {
        in_codes = true;
        collect_reason_codes(comment.substr(kCodesHeader.size()), file);
      } else if (in_codes && trim(comment).empty()) {
        in_codes = false;
      } else if (in_codes) {
        collect_reason_codes(comment.substr(1), file);
      }
      continue;
    }
    in_codes = false;
    std::vector<std::string> columns = split(text, '\t');
    if (columns.size() != 8) {
      error = path + ":" + std::to_string(number) + ": expected 8 tab-separated columns, found " +
              std::to_string(columns.size());
      return false;
    }
    for (std::string& column : columns) {
      if (column == "-") column.clear();  // the header: '-' = empty
    }
    Vector v;
    v.line_number = number;
    v.kind = columns[0];
    if (!unescape(columns[1], v.line)) {
      error = path + ":" + std::to_string(number) + ": bad escape in line column";
      return false;
    }
    v.seq = columns[2];
    v.millis = columns[3];
    v.temperature = columns[4];
    v.humidity = columns[5];
    v.canonical = columns[6];
    v.reason = columns[7];
    file.vectors.push_back(v);
  }
  return true;
}

}  // namespace vectors
