#include "connection.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "line_format.h"

namespace tcplab {

const char* state_name(ConnectionState state) {
  switch (state) {
    case ConnectionState::Idle: return "idle";
    case ConnectionState::Connecting: return "connecting";
    case ConnectionState::Connected: return "connected";
    case ConnectionState::Backoff: return "backoff";
  }
  return "?";
}

Connection::Connection(Transport& transport, Clock& clock, Backoff& backoff, LogSink& log,
                       std::string_view device_name)
    : transport_(transport), clock_(clock), backoff_(backoff), log_(log) {
  has_hello_ = format_hello(device_name, hello_);
}

void Connection::step() {
  const uint32_t now = clock_.now_ms();
  if (!transport_.network_up()) {
    if (state_ == ConnectionState::Connected) {
      transport_.close();
      ++stats_.drops;
    }
    if (state_ != ConnectionState::Idle) logf("network down; waiting for it to come back");
    state_ = ConnectionState::Idle;
    return;
  }
  switch (state_) {
    case ConnectionState::Idle:
      state_ = ConnectionState::Connecting;
      break;
    case ConnectionState::Connecting:
      attempt(now);
      break;
    case ConnectionState::Connected:
      if (!transport_.connected()) drop(now, transport_.last_error());  // FIN or RST
      break;
    case ConnectionState::Backoff:
      if (elapsed_ms(now, backoff_started_ms_) >= retry_delay_ms_) {
        state_ = ConnectionState::Connecting;
      }
      break;
  }
}

void Connection::attempt(uint32_t now) {
  ++stats_.attempts;
  logf("connecting (attempt %lu)", static_cast<unsigned long>(stats_.attempts));
  if (!transport_.connect()) {
    ++stats_.connect_failures;
    enter_backoff(now, transport_.last_error());
    return;
  }
  // HELLO goes first on every connection: the server keys its log on it.
  if (has_hello_ && !write_line(hello_)) {
    transport_.close();
    ++stats_.connect_failures;
    enter_backoff(now, transport_.last_error());
    return;
  }
  ++stats_.connects;
  connected_since_ms_ = now;
  state_ = ConnectionState::Connected;
  if (has_hello_) {
    logf("connected; sent %s", hello_.text);
  } else {
    logf("connected; invalid device name, so no HELLO");
  }
}

bool Connection::send_line(const Line& line) {
  if (state_ != ConnectionState::Connected) return false;
  if (write_line(line)) return true;
  drop(clock_.now_ms(), transport_.last_error());
  return false;
}

void Connection::drop(uint32_t now, const char* why) {
  transport_.close();
  ++stats_.drops;
  if (elapsed_ms(now, connected_since_ms_) >= backoff_.policy().reset_after_ms) backoff_.reset();
  enter_backoff(now, why);
}

void Connection::enter_backoff(uint32_t now, const char* why) {
  retry_delay_ms_ = backoff_.next_delay_ms();
  backoff_started_ms_ = now;
  state_ = ConnectionState::Backoff;
  logf("%s; retry in %lu ms (failure %lu in a row)", why,
       static_cast<unsigned long>(retry_delay_ms_), static_cast<unsigned long>(backoff_.failures()));
}

bool Connection::write_line(const Line& line) {
  char buffer[Line::kCapacity + 2];
  std::memcpy(buffer, line.text, line.length);
  buffer[line.length] = '\r';
  buffer[line.length + 1] = '\n';
  return transport_.write(buffer, line.length + 2);
}

void Connection::logf(const char* format, ...) {
  char message[128];
  va_list args;
  va_start(args, format);
  std::vsnprintf(message, sizeof message, format, args);
  va_end(args);
  log_.log(message);
}

}  // namespace tcplab
