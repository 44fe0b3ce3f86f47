#include "backoff.h"

namespace tcplab {

Backoff::Backoff(const BackoffPolicy& policy, RandomSource& rng) : policy_(policy), rng_(rng) {
  if (policy_.initial_ms == 0) policy_.initial_ms = 1;
  if (policy_.max_ms < policy_.initial_ms) policy_.max_ms = policy_.initial_ms;
}

uint32_t Backoff::ceiling_ms(uint32_t failures) const {
  uint32_t ceiling = policy_.initial_ms;
  for (uint32_t i = 1; i < failures && ceiling < policy_.max_ms; ++i) {
    ceiling = ceiling > policy_.max_ms / 2 ? policy_.max_ms : ceiling * 2;
  }
  return ceiling < policy_.max_ms ? ceiling : policy_.max_ms;
}

uint32_t Backoff::next_delay_ms() {
  if (failures_ < UINT32_MAX) ++failures_;
  const uint32_t ceiling = ceiling_ms(failures_);
  return uniform_u32(rng_, ceiling - ceiling / 2, ceiling);
}

void Backoff::reset() { failures_ = 0; }

}  // namespace tcplab
