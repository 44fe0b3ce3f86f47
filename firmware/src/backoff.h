// Reconnect delays: exponential, capped, with jitter.
#pragma once

#include <cstdint>

#include "random_source.h"

namespace tcplab {

struct BackoffPolicy {
  uint32_t initial_ms = 1000;  // ceiling after the first failure
  uint32_t max_ms = 60000;     // cap: a restarted lab server is found within a minute
  // A connection that stayed up this long counts as a success and resets the backoff;
  // a server that accepts and drops at once still sees the delays grow.
  uint32_t reset_after_ms = 10000;
};

// "Equal jitter": after the n-th consecutive failure the delay is uniform in
// [ceiling/2, ceiling], ceiling = min(max, initial * 2^(n-1)). Half of it is random so a
// classroom of boards does not reconnect in lockstep when the server restarts; half is
// fixed so a failing server is never hammered.
class Backoff {
 public:
  Backoff(const BackoffPolicy& policy, RandomSource& rng);

  // Counts one more failure and returns the delay to wait before the next attempt.
  uint32_t next_delay_ms();
  void reset();

  uint32_t failures() const { return failures_; }
  const BackoffPolicy& policy() const { return policy_; }
  // The ceiling after `failures` consecutive failures (>= 1); saturates instead of overflowing.
  uint32_t ceiling_ms(uint32_t failures) const;

 private:
  BackoffPolicy policy_;
  RandomSource& rng_;
  uint32_t failures_ = 0;
};

}  // namespace tcplab
