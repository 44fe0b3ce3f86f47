#include "random_source.h"

namespace tcplab {

// xorshift32 has a fixed point at 0, so a zero seed is replaced by a constant.
XorShift32::XorShift32(uint32_t seed) : state_(seed != 0 ? seed : 0x9E3779B9u) {}

uint32_t XorShift32::next_u32() {
  uint32_t x = state_;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  state_ = x;
  return x;
}

uint32_t uniform_u32(RandomSource& rng, uint32_t lo, uint32_t hi) {
  if (hi <= lo) return lo;
  const uint32_t span = hi - lo;
  if (span == UINT32_MAX) return rng.next_u32();
  return lo + rng.next_u32() % (span + 1);
}

}  // namespace tcplab
