// The byte stream to the server, as the connection state machine sees it.
// Board: WiFiClient. Host: a POSIX socket. Tests: a scripted fake.
#pragma once

#include <cstddef>

namespace tcplab {

class Transport {
 public:
  virtual ~Transport() = default;

  // The link under TCP (Wi-Fi associated with an address); always true on the host.
  virtual bool network_up() = 0;
  // Opens a new connection. May block, but never longer than the adapter's own timeout.
  virtual bool connect() = 0;
  // Still open as far as can be told without writing (the peer's FIN or RST seen?).
  virtual bool connected() = 0;
  // Writes all bytes or returns false. Success means "handed to the TCP stack", not
  // "arrived": a write into a connection that is already dead can still succeed.
  virtual bool write(const char* data, size_t length) = 0;
  virtual void close() = 0;
  // Why the last connect, write or connected() check failed, for the status output.
  virtual const char* last_error() const = 0;
};

}  // namespace tcplab
