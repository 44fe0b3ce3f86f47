// Stand-in: the few Arduino/ESP8266 core declarations sensor_client.ino uses. Not a runtime.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>

unsigned long millis();
void delay(unsigned long ms);

class String {
 public:
  const char* c_str() const { return ""; }
};

class HardwareSerial {
 public:
  void begin(unsigned long baud);
  size_t println();
  size_t println(const char* text);
  size_t printf(const char* format, ...) __attribute__((format(printf, 2, 3)));
};
extern HardwareSerial Serial;

class EspClass {
 public:
  uint32_t random() const;
};
extern EspClass ESP;

static const uint8_t D2 = 4;  // NodeMCU pin map: D2 = GPIO4
