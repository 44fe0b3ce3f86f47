#include "options.h"

#include <charconv>
#include <cstring>
#include <string_view>

#include "../src/line_format.h"
#include "../src/scheduler.h"

namespace host {
namespace {

bool parse_u32(std::string_view text, uint32_t& out) {
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, out);
  return !text.empty() && result.ec == std::errc() && result.ptr == end;
}

}  // namespace

const char* usage_text() {
  return
      "usage: virtual-nodemcu [--host H] [--port P] [--readings N] [--interval-ms MS]\n"
      "                       [--name NAME] [--allow-fast] [--nagle] [--keepalive]\n"
      "                       [--max-failures N] [--seed N]\n"
      "\n"
      "A NodeMCU + DHT11 without the hardware: the firmware's own core (line format, scheduler,\n"
      "connection state machine, backoff) over a POSIX socket, with a simulated sensor (slow\n"
      "drift plus noise at DHT11 resolution). It sends HELLO NAME, then one reading per line,\n"
      "<seq>,<millis>,<t>,<h>\\r\\n, reconnecting with backoff like the board.\n"
      "\n"
      "  --host H          server address or name (default 127.0.0.1)\n"
      "  --port P          server TCP port (default 5050)\n"
      "  --readings N      readings to write, then close and exit 0 (default 10; 0 = until Ctrl-C)\n"
      "  --interval-ms MS  time between sensor reads (default 5000, minimum 2000 as on the board)\n"
      "  --allow-fast      allow --interval-ms below 2000. For tests only: the 2 s floor models the\n"
      "                    DHT11 (faster reads repeat the cached value); the host has no sensor.\n"
      "  --name NAME       device name for HELLO: 1-32 of A-Z a-z 0-9 _ . - (default virtual-nodemcu)\n"
      "  --nagle           leave Nagle's algorithm on (the board's TCPLAB_NAGLE=1); default TCP_NODELAY\n"
      "  --keepalive       TCP keepalive: first probe after 10 s idle, then every 5 s, 3 probes\n"
      "  --max-failures N  give up after N failed connections in a row (default 5)\n"
      "  --seed N          seed the simulated sensor and the backoff jitter (default: time and pid)\n"
      "  --help            this text\n"
      "\n"
      "Status goes to stderr. Exit status: 0 all readings written, 1 gave up (server unreachable),\n"
      "2 bad arguments, 130 interrupted.\n";
}

ParseOutcome parse_options(int argc, char** argv, Options& options, std::string& error) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") return ParseOutcome::Help;
    if (arg == "--allow-fast") { options.allow_fast = true; continue; }
    if (arg == "--nagle") { options.nagle = true; continue; }
    if (arg == "--keepalive") { options.keepalive = true; continue; }

    if (i + 1 >= argc) {
      error = "unknown option or missing value: " + std::string(arg);
      return ParseOutcome::Error;
    }
    const std::string_view value = argv[++i];
    uint32_t number = 0;
    const bool numeric = parse_u32(value, number);
    if (arg == "--host") {
      options.host = std::string(value);
    } else if (arg == "--name") {
      options.name = std::string(value);
    } else if (arg == "--port" || arg == "--readings" || arg == "--interval-ms" ||
               arg == "--max-failures" || arg == "--seed") {
      if (!numeric) {
        error = std::string(arg) + " needs a whole number, not '" + std::string(value) + "'";
        return ParseOutcome::Error;
      }
      if (arg == "--port") {
        if (number == 0 || number > 65535) {
          error = "--port must be 1-65535";
          return ParseOutcome::Error;
        }
        options.port = static_cast<uint16_t>(number);
      } else if (arg == "--readings") {
        options.readings = number;
      } else if (arg == "--interval-ms") {
        options.interval_ms = number;
      } else if (arg == "--max-failures") {
        options.max_failures = number;
      } else {
        options.seed = number;
      }
    } else {
      error = "unknown option: " + std::string(arg);
      return ParseOutcome::Error;
    }
  }

  if (options.host.empty()) {
    error = "--host must not be empty";
    return ParseOutcome::Error;
  }
  if (!tcplab::is_valid_device_name(options.name)) {
    error = "--name '" + options.name + "' is not a valid device name (1-32 of A-Z a-z 0-9 _ . -)";
    return ParseOutcome::Error;
  }
  if (options.interval_ms < tcplab::kDht11MinIntervalMs && !options.allow_fast) {
    error = "--interval-ms " + std::to_string(options.interval_ms) +
            " is below the DHT11's 2000 ms; add --allow-fast (tests only)";
    return ParseOutcome::Error;
  }
  if (options.max_failures == 0) {
    error = "--max-failures must be at least 1";
    return ParseOutcome::Error;
  }
  return ParseOutcome::Run;
}

}  // namespace host
