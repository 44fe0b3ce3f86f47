// Stand-in: the ESP8266WiFi 3.x declarations sensor_client uses, same signatures. Not a runtime.
#pragma once

#include "Arduino.h"

enum wl_status_t { WL_IDLE_STATUS = 0, WL_CONNECTED = 3, WL_DISCONNECTED = 6 };
enum WiFiMode_t { WIFI_OFF = 0, WIFI_STA = 1 };

class IPAddress {
 public:
  String toString() const;
};

class WiFiClient {
 public:
  int connect(const char* host, uint16_t port);
  size_t write(const uint8_t* buf, size_t size);
  int available();
  int read(uint8_t* buf, size_t size);
  uint8_t connected();
  void stop();
  void setNoDelay(bool nodelay);
  void setTimeout(unsigned long timeout_ms);
  void keepAlive(uint16_t idle_sec = 7200, uint16_t intv_sec = 75, uint8_t count = 9);
  void disableKeepAlive() { keepAlive(0, 0, 0); }
};

class ESP8266WiFiClass {
 public:
  wl_status_t status();
  bool mode(WiFiMode_t mode);
  void persistent(bool persistent);
  bool setAutoReconnect(bool autoReconnect);
  wl_status_t begin(const char* ssid, const char* passphrase = nullptr);
  bool disconnect(bool wifioff = false);
  IPAddress localIP();
};
extern ESP8266WiFiClass WiFi;
