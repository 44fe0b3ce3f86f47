// A DHT11 without the hardware: slow drift plus a little noise, at the resolution a DHT11
// reports (0.1 degC temperature, whole %RH humidity).
#pragma once

#include "../src/clock.h"
#include "../src/random_source.h"
#include "../src/sensor.h"

namespace host {

class SimulatedDht final : public tcplab::Sensor {
 public:
  SimulatedDht(tcplab::Clock& clock, tcplab::RandomSource& rng);
  tcplab::Sample read() override;

 private:
  double uniform(double lo, double hi);

  tcplab::Clock& clock_;
  tcplab::RandomSource& rng_;
  double base_c_;    // each virtual room is a little different
  double base_pct_;
  double wander_c_ = 0.0;  // bounded random walk: the room warming and cooling
};

}  // namespace host
