// Copy this file to secrets.h (git-ignored) and fill it in. Never commit secrets.h.
#pragma once

#include <stdint.h>

// The 2.4 GHz network the board joins (the ESP8266 has no 5 GHz radio).
constexpr const char* kWifiSsid = "your-network";
constexpr const char* kWifiPassword = "your-password";

// The laptop running `tcplab serve` (find it with `ip -4 addr` or `ipconfig`).
constexpr const char* kServerHost = "192.168.1.50";
constexpr uint16_t kServerPort = 5050;

// Sent as "HELLO <name>" after every connect: 1-32 of A-Z a-z 0-9 _ . -
constexpr const char* kDeviceName = "nodemcu-01";
