#include "scheduler.h"

#include "clock.h"
#include "line_format.h"

namespace tcplab {

ReadingScheduler::ReadingScheduler(uint32_t interval_ms, uint32_t floor_ms)
    : interval_ms_(interval_ms < floor_ms ? floor_ms : interval_ms) {}

bool ReadingScheduler::due(uint32_t now_ms) const {
  return !has_read_ || elapsed_ms(now_ms, last_read_ms_) >= interval_ms_;
}

bool ReadingScheduler::take(uint32_t now_ms, const Sample& sample, Line& line) {
  // Timed from the actual read, not from the schedule, so a late loop (a blocking connect)
  // can never bring two sensor reads closer than the interval.
  has_read_ = true;
  last_read_ms_ = now_ms;

  Reading reading;
  reading.seq = next_seq_;
  reading.millis = now_ms;
  reading.temperature_c = sample.temperature_c;
  reading.humidity_pct = sample.humidity_pct;
  if (!format_reading(reading, line)) {
    ++failed_reads_;
    return false;
  }
  ++next_seq_;
  return true;
}

}  // namespace tcplab
