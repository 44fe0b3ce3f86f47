// Transport over a POSIX TCP socket: the virtual board's WiFiClient.
// Non-blocking socket + poll(), so connect and write are bounded by timeouts and the
// program can never hang on a dead or silent server.
#pragma once

#include <cstdint>
#include <string>

#include "../src/transport.h"

namespace host {

struct SocketOptions {
  bool no_delay = true;  // TCP_NODELAY, like the board's setNoDelay(true)
  bool keepalive = false;
};

class PosixTransport final : public tcplab::Transport {
 public:
  PosixTransport(std::string host, uint16_t port, SocketOptions options);
  ~PosixTransport() override;
  PosixTransport(const PosixTransport&) = delete;
  PosixTransport& operator=(const PosixTransport&) = delete;

  bool network_up() override { return true; }  // no Wi-Fi to lose on the host
  bool connect() override;
  bool connected() override;
  bool write(const char* data, size_t length) override;
  void close() override;
  const char* last_error() const override { return error_.c_str(); }

  // Orderly end: send our FIN, then wait up to timeout_ms for the server's, so the capture
  // shows a clean close. True if the server closed its side in time.
  bool finish(uint32_t timeout_ms);

 private:
  bool try_address(const void* address_info);
  bool fail(const std::string& what);
  bool fail_errno(const std::string& what);
  void apply_options();

  std::string host_;
  uint16_t port_;
  SocketOptions options_;
  int fd_ = -1;
  std::string error_;
};

}  // namespace host
