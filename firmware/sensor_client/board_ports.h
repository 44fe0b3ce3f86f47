// The board's side of the core's interfaces: WiFiClient, millis(), the hardware RNG,
// the DHT11 and Serial. Everything else lives in the tested core (firmware/src).
#pragma once

#include <Arduino.h>
#include <DHT.h>
#include <ESP8266WiFi.h>

#include "tcplab_core.h"

class MillisClock final : public tcplab::Clock {
 public:
  uint32_t now_ms() override { return static_cast<uint32_t>(millis()); }
};

// The ESP8266's hardware random number generator: boards booted together still get
// different jitter.
class EspRandom final : public tcplab::RandomSource {
 public:
  uint32_t next_u32() override { return ESP.random(); }
};

class SerialLog final : public tcplab::LogSink {
 public:
  void log(const char* message) override {
    Serial.printf("[%10lu] %s\n", static_cast<unsigned long>(millis()), message);
  }
};

class DhtSensor final : public tcplab::Sensor {
 public:
  explicit DhtSensor(DHT& dht) : dht_(dht) {}
  // One bus transaction: the library caches it, so the humidity read reuses it.
  tcplab::Sample read() override { return tcplab::Sample{dht_.readTemperature(), dht_.readHumidity()}; }

 private:
  DHT& dht_;
};

class WifiTransport final : public tcplab::Transport {
 public:
  WifiTransport(const char* host, uint16_t port, bool no_delay, bool keepalive)
      : host_(host), port_(port), no_delay_(no_delay), keepalive_(keepalive) {}

  bool network_up() override { return WiFi.status() == WL_CONNECTED; }

  bool connect() override {
    client_.stop();
    client_.setTimeout(tcplab::kConnectTimeoutMs);  // bounds DNS and the handshake
    if (!client_.connect(host_, port_)) {
      error_ = "connect failed (refused, unreachable or timed out)";
      return false;
    }
    // connect() resets Nagle to the core's default, so this must follow every connect.
    client_.setNoDelay(no_delay_);
    if (keepalive_) {
      client_.keepAlive(tcplab::kKeepaliveIdleS, tcplab::kKeepaliveIntervalS, tcplab::kKeepaliveCount);
    } else {
      client_.disableKeepAlive();
    }
    client_.setTimeout(tcplab::kWriteTimeoutMs);  // bounds write()
    return true;
  }

  bool connected() override {
    uint8_t discard[64];
    // The protocol is one-way; unread bytes would also keep connected() true after a close.
    while (client_.available() > 0) client_.read(discard, sizeof discard);
    if (client_.connected()) return true;
    error_ = "connection closed by the server (FIN or RST)";
    return false;
  }

  bool write(const char* data, size_t length) override {
    if (client_.write(reinterpret_cast<const uint8_t*>(data), length) == length) return true;
    error_ = "write failed (connection lost or timed out)";
    return false;
  }

  void close() override { client_.stop(); }

  const char* last_error() const override { return error_; }

 private:
  WiFiClient client_;
  const char* host_;
  uint16_t port_;
  bool no_delay_;
  bool keepalive_;
  const char* error_ = "";
};

// Keeps Wi-Fi joined. The core's auto-reconnect usually rejoins by itself; if it has not
// within 30 s, start over with WiFi.begin(). Prints the board's address when it joins.
class WifiKeeper {
 public:
  void begin(const char* ssid, const char* password) {
    ssid_ = ssid;
    password_ = password;
    WiFi.persistent(false);  // don't rewrite the credentials to flash on every boot
    WiFi.mode(WIFI_STA);
    WiFi.setAutoReconnect(true);
    WiFi.begin(ssid_, password_);
    since_ms_ = clock_.now_ms();
    Serial.printf("wifi: joining %s\n", ssid_);
  }

  void check() {
    const bool up = WiFi.status() == WL_CONNECTED;
    const uint32_t now = clock_.now_ms();
    if (up && !was_up_) {
      Serial.printf("wifi: joined %s, address %s\n", ssid_, WiFi.localIP().toString().c_str());
    } else if (!up && was_up_) {
      Serial.println("wifi: lost");
      since_ms_ = now;
    } else if (!up && tcplab::elapsed_ms(now, since_ms_) > kRejoinAfterMs) {
      Serial.printf("wifi: still not joined to %s; trying again\n", ssid_);
      WiFi.disconnect();
      WiFi.begin(ssid_, password_);
      since_ms_ = now;
    }
    was_up_ = up;
  }

 private:
  static constexpr uint32_t kRejoinAfterMs = 30000;
  MillisClock clock_;
  const char* ssid_ = "";
  const char* password_ = "";
  uint32_t since_ms_ = 0;
  bool was_up_ = false;
};
