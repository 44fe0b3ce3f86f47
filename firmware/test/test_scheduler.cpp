// The reading scheduler: the DHT interval floor, timing, seq numbers, NaN skips.
#include <string>

#include "../src/scheduler.h"
#include "check.h"
#include "fakes.h"

using namespace tcplab;

TEST_CASE(scheduler_raises_interval_to_the_dht11_floor) {
  CHECK_EQ(ReadingScheduler(5000).interval_ms(), 5000u);
  CHECK_EQ(ReadingScheduler(2000).interval_ms(), 2000u);
  CHECK_EQ(ReadingScheduler(1999).interval_ms(), 2000u);
  CHECK_EQ(ReadingScheduler(0).interval_ms(), 2000u);
  CHECK_EQ(kDht11MinIntervalMs, 2000u);
  // The host lowers the floor for tests; the board never does.
  CHECK_EQ(ReadingScheduler(10, 0).interval_ms(), 10u);
}

TEST_CASE(scheduler_is_due_at_once_then_every_interval) {
  ReadingScheduler scheduler(5000);
  Line line;
  CHECK(scheduler.due(123));
  CHECK(scheduler.take(123, Sample{21.0, 40.0}, line));
  CHECK(!scheduler.due(123));
  CHECK(!scheduler.due(5122));
  CHECK(scheduler.due(5123));
  CHECK(scheduler.due(9000));
}

TEST_CASE(scheduler_numbers_lines_from_zero_with_their_millis) {
  ReadingScheduler scheduler(2000);
  Line line;
  CHECK(scheduler.take(2003, Sample{21.0, 40.0}, line));
  CHECK_EQ(line.view(), "0,2003,21.0,40.0");
  CHECK(scheduler.take(4003, Sample{28.3, 65.2}, line));
  CHECK_EQ(line.view(), "1,4003,28.3,65.2");
  CHECK_EQ(scheduler.next_seq(), 2u);
}

TEST_CASE(scheduler_skips_and_counts_nan_without_using_a_seq) {
  ReadingScheduler scheduler(2000);
  Line line;
  CHECK(!scheduler.take(0, fakes::nan_sample(), line));
  CHECK(!scheduler.take(2000, Sample{21.0, std::nan("")}, line));
  CHECK(!scheduler.take(4000, Sample{std::nan(""), 40.0}, line));
  CHECK_EQ(scheduler.failed_reads(), 3u);
  CHECK_EQ(scheduler.next_seq(), 0u);
  CHECK_EQ(line.length, 0u);
  // A failed read still rests the sensor.
  CHECK(!scheduler.due(5999));
  CHECK(scheduler.take(6000, Sample{21.0, 40.0}, line));
  CHECK_EQ(line.view(), "0,6000,21.0,40.0");
}

TEST_CASE(scheduler_skips_out_of_range_values) {
  ReadingScheduler scheduler(2000);
  Line line;
  CHECK(!scheduler.take(0, Sample{95.0, 40.0}, line));
  CHECK(!scheduler.take(2000, Sample{21.0, 101.0}, line));
  CHECK_EQ(scheduler.failed_reads(), 2u);
  CHECK_EQ(scheduler.next_seq(), 0u);
}

TEST_CASE(scheduler_times_from_the_actual_read) {
  ReadingScheduler scheduler(2000);
  Line line;
  CHECK(scheduler.take(0, Sample{21.0, 40.0}, line));
  CHECK(scheduler.take(7000, Sample{21.0, 40.0}, line));  // late (a slow connect)
  CHECK(!scheduler.due(8999));                            // no catch-up burst
  CHECK(scheduler.due(9000));
}

TEST_CASE(scheduler_is_right_across_the_millis_wrap) {
  ReadingScheduler scheduler(2000);
  Line line;
  CHECK(scheduler.take(UINT32_MAX - 999, Sample{21.0, 40.0}, line));
  CHECK(!scheduler.due(998));
  CHECK(scheduler.due(1000));
}
