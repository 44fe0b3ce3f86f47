// Stand-in: the Adafruit DHT sensor library declarations sensor_client uses. Not a runtime.
#pragma once

#include <cstdint>

#define DHT11 11

class DHT {
 public:
  DHT(uint8_t pin, uint8_t type, uint8_t count = 6);
  void begin(uint8_t usec = 55);
  float readTemperature(bool S = false, bool force = false);
  float readHumidity(bool force = false);
};
