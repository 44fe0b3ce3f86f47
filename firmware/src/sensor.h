// The temperature/humidity sensor: a DHT11 on the board, a simulation on the host.
#pragma once

namespace tcplab {

struct Sample {
  double temperature_c;
  double humidity_pct;  // either value NaN = a failed read, as the Adafruit DHT library reports it
};

class Sensor {
 public:
  virtual ~Sensor() = default;
  virtual Sample read() = 0;
};

}  // namespace tcplab
