#include "simulated_dht.h"

#include <algorithm>
#include <cmath>

namespace host {
namespace {
constexpr double kPi = 3.14159265358979323846;
constexpr double kCyclePeriodS = 600.0;  // a ten-minute "day", so a lab run sees it move
}  // namespace

SimulatedDht::SimulatedDht(tcplab::Clock& clock, tcplab::RandomSource& rng)
    : clock_(clock), rng_(rng), base_c_(uniform(20.0, 25.0)), base_pct_(uniform(40.0, 60.0)) {}

double SimulatedDht::uniform(double lo, double hi) {
  return lo + (hi - lo) * (rng_.next_u32() / 4294967296.0);
}

tcplab::Sample SimulatedDht::read() {
  const double seconds = clock_.now_ms() / 1000.0;
  const double cycle = std::sin(2.0 * kPi * seconds / kCyclePeriodS);
  wander_c_ = std::clamp(wander_c_ + uniform(-0.05, 0.05), -1.0, 1.0);

  const double temperature = base_c_ + 1.5 * cycle + wander_c_ + uniform(-0.1, 0.1);
  // Warmer air holds more water, so relative humidity falls as the room warms.
  const double humidity = base_pct_ - 5.0 * cycle - 2.0 * wander_c_ + uniform(-1.0, 1.0);

  tcplab::Sample sample;
  sample.temperature_c = std::round(temperature * 10.0) / 10.0;
  sample.humidity_pct = std::clamp(std::round(humidity), 0.0, 100.0);
  return sample;
}

}  // namespace host
