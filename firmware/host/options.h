// Command line of the virtual NodeMCU.
#pragma once

#include <cstdint>
#include <string>

namespace host {

struct Options {
  std::string host = "127.0.0.1";
  uint16_t port = 5050;
  uint32_t readings = 10;  // 0 = until interrupted
  uint32_t interval_ms = 5000;
  std::string name = "virtual-nodemcu";
  bool allow_fast = false;
  bool nagle = false;
  bool keepalive = false;
  uint32_t max_failures = 5;
  uint32_t seed = 0;  // 0 = from the time and pid
};

enum class ParseOutcome { Run, Help, Error };

ParseOutcome parse_options(int argc, char** argv, Options& options, std::string& error);

const char* usage_text();

}  // namespace host
