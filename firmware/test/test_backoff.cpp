// Backoff: doubling, the cap, jitter bounds, reset, determinism.
#include "../src/backoff.h"
#include "check.h"
#include "fakes.h"

using namespace tcplab;

namespace {
BackoffPolicy policy(uint32_t initial, uint32_t max) {
  BackoffPolicy p;
  p.initial_ms = initial;
  p.max_ms = max;
  return p;
}
}  // namespace

TEST_CASE(backoff_ceiling_doubles_then_caps) {
  XorShift32 rng(1);
  Backoff backoff(policy(1000, 8000), rng);
  const uint32_t expected[] = {1000, 2000, 4000, 8000, 8000, 8000};
  for (uint32_t n = 1; n <= 6; ++n) CHECK_EQ(backoff.ceiling_ms(n), expected[n - 1]);
  CHECK_EQ(backoff.ceiling_ms(1000000), 8000u);
}

TEST_CASE(backoff_ceiling_saturates_without_overflow) {
  XorShift32 rng(1);
  Backoff backoff(policy(3000, UINT32_MAX), rng);
  CHECK_EQ(backoff.ceiling_ms(64), UINT32_MAX);
  CHECK(backoff.ceiling_ms(20) > backoff.ceiling_ms(19));
}

TEST_CASE(backoff_delay_stays_within_jitter_bounds) {
  XorShift32 rng(12345);
  Backoff backoff(policy(1000, 60000), rng);
  for (int round = 0; round < 200; ++round) {
    backoff.reset();
    for (uint32_t n = 1; n <= 10; ++n) {
      const uint32_t delay = backoff.next_delay_ms();
      const uint32_t ceiling = backoff.ceiling_ms(n);
      CHECK_EQ(backoff.failures(), n);
      CHECK(delay >= ceiling - ceiling / 2);
      CHECK(delay <= ceiling);
    }
  }
}

TEST_CASE(backoff_jitter_reaches_both_ends) {
  fakes::ScriptedRandom low({0});
  Backoff a(policy(1000, 60000), low);
  CHECK_EQ(a.next_delay_ms(), 500u);
  CHECK_EQ(a.next_delay_ms(), 1000u);

  fakes::ScriptedRandom high({500, 1000});  // v % (span + 1) == span gives the ceiling
  Backoff b(policy(1000, 60000), high);
  CHECK_EQ(b.next_delay_ms(), 1000u);
  CHECK_EQ(b.next_delay_ms(), 2000u);
}

TEST_CASE(backoff_reset_starts_over) {
  fakes::ScriptedRandom rng({0});
  Backoff backoff(policy(400, 10000), rng);
  backoff.next_delay_ms();
  backoff.next_delay_ms();
  CHECK_EQ(backoff.next_delay_ms(), 800u);
  backoff.reset();
  CHECK_EQ(backoff.failures(), 0u);
  CHECK_EQ(backoff.next_delay_ms(), 200u);
}

TEST_CASE(backoff_is_deterministic_for_a_seed) {
  XorShift32 rng_a(99);
  XorShift32 rng_b(99);
  Backoff a(policy(1000, 60000), rng_a);
  Backoff b(policy(1000, 60000), rng_b);
  for (int i = 0; i < 12; ++i) CHECK_EQ(a.next_delay_ms(), b.next_delay_ms());
}

TEST_CASE(backoff_fixes_a_bad_policy) {
  XorShift32 rng(1);
  Backoff backoff(policy(0, 0), rng);
  CHECK_EQ(backoff.ceiling_ms(1), 1u);
  CHECK(backoff.next_delay_ms() <= 1u);
}

TEST_CASE(xorshift_zero_seed_still_varies) {
  XorShift32 rng(0);
  const uint32_t first = rng.next_u32();
  CHECK(first != 0u);
  CHECK(rng.next_u32() != first);
}
