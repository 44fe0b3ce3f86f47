// Where status messages go: Serial on the board, stderr on the host, a vector in tests.
#pragma once

namespace tcplab {

class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void log(const char* message) = 0;  // one line, no terminator
};

}  // namespace tcplab
