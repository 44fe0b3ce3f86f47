// Socket settings shared by the board (WiFiClient) and the virtual board (POSIX socket),
// so both behave alike on the wire.
#pragma once

#include <cstdint>

namespace tcplab {

// Bounds every blocking call, so the loop (and the Wi-Fi check in it) never stalls for long.
constexpr uint32_t kConnectTimeoutMs = 3000;
constexpr uint32_t kWriteTimeoutMs = 5000;

// Optional keepalive, short enough to see in a lab capture: the first probe after 10 s of
// silence, then every 5 s; 3 unanswered probes end the connection. (The OS default waits 2 h.)
constexpr uint16_t kKeepaliveIdleS = 10;
constexpr uint16_t kKeepaliveIntervalS = 5;
constexpr uint8_t kKeepaliveCount = 3;

}  // namespace tcplab
