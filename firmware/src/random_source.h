// Randomness as an injected interface, so backoff jitter is deterministic in tests.
// The board uses the ESP8266 hardware RNG; the host and the tests use XorShift32.
#pragma once

#include <cstdint>

namespace tcplab {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual uint32_t next_u32() = 0;
};

// Marsaglia's xorshift32: tiny, fast, good enough for jitter and simulated noise.
class XorShift32 final : public RandomSource {
 public:
  explicit XorShift32(uint32_t seed);
  uint32_t next_u32() override;

 private:
  uint32_t state_;
};

// Uniform in [lo, hi] (inclusive). The modulo bias is below 1e-5 for the spans used here.
uint32_t uniform_u32(RandomSource& rng, uint32_t lo, uint32_t hi);

}  // namespace tcplab
