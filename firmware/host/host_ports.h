// The host's Clock and LogSink: a monotonic millisecond clock and timestamped stderr lines.
#pragma once

#include <chrono>
#include <string>

#include "../src/clock.h"
#include "../src/log_sink.h"

namespace host {

// Milliseconds since start, wrapping at 2^32 like the board's millis().
class SteadyClock final : public tcplab::Clock {
 public:
  uint32_t now_ms() override;

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

class StderrLog final : public tcplab::LogSink {
 public:
  StderrLog(tcplab::Clock& clock, std::string name) : clock_(clock), name_(std::move(name)) {}
  void log(const char* message) override;

 private:
  tcplab::Clock& clock_;
  std::string name_;
};

}  // namespace host
