// The connection state machine: idle -> connecting -> connected -> backoff -> connecting ...
//
//   idle        no network (Wi-Fi down); nothing to do until it comes back
//   connecting  the next step() calls Transport::connect(); success sends HELLO
//   connected   lines may be sent; a peer close or a failed write leads to backoff
//   backoff     waiting a jittered, growing delay before the next attempt
#pragma once

#include <cstdint>
#include <string_view>

#include "backoff.h"
#include "clock.h"
#include "log_sink.h"
#include "sensor_line.h"
#include "transport.h"

namespace tcplab {

enum class ConnectionState : uint8_t { Idle, Connecting, Connected, Backoff };

const char* state_name(ConnectionState state);

struct ConnectionStats {
  uint32_t attempts = 0;          // calls to Transport::connect()
  uint32_t connects = 0;          // attempts that ended connected with HELLO written
  uint32_t connect_failures = 0;  // attempts that did not
  uint32_t drops = 0;             // established connections that ended
};

class Connection {
 public:
  // An invalid device name means no HELLO: the server then knows the board by its address.
  Connection(Transport& transport, Clock& clock, Backoff& backoff, LogSink& log,
             std::string_view device_name);

  // One transition at most; call it often (every loop() on the board).
  void step();

  // Writes `line` + "\r\n" in one write. On failure the connection is closed and backoff
  // starts; the line is lost (the server will see a gap in seq).
  bool send_line(const Line& line);

  ConnectionState state() const { return state_; }
  bool is_connected() const { return state_ == ConnectionState::Connected; }
  uint32_t retry_delay_ms() const { return retry_delay_ms_; }
  const ConnectionStats& stats() const { return stats_; }

 private:
  void attempt(uint32_t now);
  void drop(uint32_t now, const char* why);
  void enter_backoff(uint32_t now, const char* why);
  bool write_line(const Line& line);
  void logf(const char* format, ...) __attribute__((format(printf, 2, 3)));

  Transport& transport_;
  Clock& clock_;
  Backoff& backoff_;
  LogSink& log_;
  Line hello_;
  bool has_hello_ = false;
  ConnectionState state_ = ConnectionState::Idle;
  uint32_t backoff_started_ms_ = 0;
  uint32_t retry_delay_ms_ = 0;
  uint32_t connected_since_ms_ = 0;
  ConnectionStats stats_;
};

}  // namespace tcplab
