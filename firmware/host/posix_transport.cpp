#include "posix_transport.h"

#include <cerrno>
#include <cstring>
#include <utility>

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../src/tcp_tuning.h"

namespace host {
namespace {

// poll() for one event, bounded; returns >0 ready, 0 timed out, <0 error (errno set).
int wait_for(int fd, short events, uint32_t timeout_ms) {
  pollfd p{};
  p.fd = fd;
  p.events = events;
  return ::poll(&p, 1, static_cast<int>(timeout_ms));
}

void set_int_option(int fd, int level, int name, int value) {
  // Failure only loses a tuning option, never the connection; nothing to recover.
  (void)::setsockopt(fd, level, name, &value, sizeof value);
}

}  // namespace

PosixTransport::PosixTransport(std::string host, uint16_t port, SocketOptions options)
    : host_(std::move(host)), port_(port), options_(options) {}

PosixTransport::~PosixTransport() { close(); }

bool PosixTransport::connect() {
  close();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(port_);
  // getaddrinfo can block on DNS; for the lab's numeric addresses it returns at once.
  const int rc = ::getaddrinfo(host_.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) return fail("cannot resolve " + host_ + ": " + ::gai_strerror(rc));
  bool ok = false;
  for (addrinfo* a = found; a != nullptr && !ok; a = a->ai_next) ok = try_address(a);
  ::freeaddrinfo(found);
  if (ok) apply_options();
  return ok;
}

bool PosixTransport::try_address(const void* address_info) {
  const auto* a = static_cast<const addrinfo*>(address_info);
  fd_ = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
  if (fd_ < 0) return fail_errno("socket");
  const std::string where = "connect to " + host_ + ":" + std::to_string(port_);
  if (::connect(fd_, a->ai_addr, a->ai_addrlen) == 0) return true;
  if (errno != EINPROGRESS) return fail_errno(where);
  const int ready = wait_for(fd_, POLLOUT, tcplab::kConnectTimeoutMs);
  if (ready == 0) {
    return fail(where + " timed out after " + std::to_string(tcplab::kConnectTimeoutMs) + " ms");
  }
  if (ready < 0) return fail_errno(where);
  int so_error = 0;
  socklen_t length = sizeof so_error;
  if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &so_error, &length) != 0) return fail_errno(where);
  if (so_error != 0) {
    errno = so_error;
    return fail_errno(where);
  }
  return true;
}

void PosixTransport::apply_options() {
  // Like the board: set on every new connection, after connect.
  set_int_option(fd_, IPPROTO_TCP, TCP_NODELAY, options_.no_delay ? 1 : 0);
  if (options_.keepalive) {
    set_int_option(fd_, SOL_SOCKET, SO_KEEPALIVE, 1);
    set_int_option(fd_, IPPROTO_TCP, TCP_KEEPIDLE, tcplab::kKeepaliveIdleS);
    set_int_option(fd_, IPPROTO_TCP, TCP_KEEPINTVL, tcplab::kKeepaliveIntervalS);
    set_int_option(fd_, IPPROTO_TCP, TCP_KEEPCNT, tcplab::kKeepaliveCount);
  }
}

bool PosixTransport::connected() {
  if (fd_ < 0) return false;
  char discard[256];
  for (;;) {
    const ssize_t n = ::recv(fd_, discard, sizeof discard, MSG_DONTWAIT);
    if (n > 0) continue;  // the protocol is one-way; whatever the server says is dropped
    if (n == 0) return fail("the server closed the connection (FIN)");
    if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
    if (errno != EINTR) return fail_errno("connection lost");
  }
}

bool PosixTransport::write(const char* data, size_t length) {
  if (fd_ < 0) return fail("write on a closed connection");
  while (length > 0) {
    // MSG_NOSIGNAL: a dead peer gives EPIPE here instead of killing us with SIGPIPE.
    const ssize_t n = ::send(fd_, data, length, MSG_NOSIGNAL);
    if (n >= 0) {
      data += n;
      length -= static_cast<size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return fail_errno("write failed");
    const int ready = wait_for(fd_, POLLOUT, tcplab::kWriteTimeoutMs);
    if (ready == 0) {
      return fail("write timed out after " + std::to_string(tcplab::kWriteTimeoutMs) +
                  " ms (the server is not reading)");
    }
    if (ready < 0 && errno != EINTR) return fail_errno("write failed");
  }
  return true;
}

void PosixTransport::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool PosixTransport::finish(uint32_t timeout_ms) {
  if (fd_ < 0) return false;
  ::shutdown(fd_, SHUT_WR);
  bool peer_closed = false;
  char discard[256];
  // Bounded: at most timeout_ms in total, even if the server keeps talking.
  for (uint32_t waited = 0; waited < timeout_ms && !peer_closed; waited += 50) {
    if (wait_for(fd_, POLLIN, 50) <= 0) continue;
    const ssize_t n = ::recv(fd_, discard, sizeof discard, MSG_DONTWAIT);
    peer_closed = n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR);
  }
  close();
  return peer_closed;
}

bool PosixTransport::fail(const std::string& what) {
  error_ = what;
  close();
  return false;
}

bool PosixTransport::fail_errno(const std::string& what) {
  return fail(what + ": " + std::strerror(errno));
}

}  // namespace host
