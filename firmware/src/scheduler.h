// When to read the sensor, and what a read becomes: a numbered line or a counted skip.
#pragma once

#include <cstdint>

#include "sensor.h"
#include "sensor_line.h"

namespace tcplab {

// The Adafruit DHT library answers reads closer than 2 s with its cached result, so a
// faster interval would send repeated values, not new readings. The board fixes this floor;
// the host (no sensor) lowers it only for tests.
constexpr uint32_t kDht11MinIntervalMs = 2000;

class ReadingScheduler {
 public:
  // An interval below `floor_ms` is raised to it.
  explicit ReadingScheduler(uint32_t interval_ms, uint32_t floor_ms = kDht11MinIntervalMs);

  uint32_t interval_ms() const { return interval_ms_; }

  // True before the first read and once interval_ms has passed since the last read
  // (failed reads included: the sensor needs its rest either way).
  bool due(uint32_t now_ms) const;

  // Records a read taken at now_ms. A good sample becomes the next numbered line (true);
  // NaN or an out-of-range value is skipped and counted, and takes no seq number (false).
  bool take(uint32_t now_ms, const Sample& sample, Line& line);

  uint32_t next_seq() const { return next_seq_; }
  uint32_t failed_reads() const { return failed_reads_; }

 private:
  uint32_t interval_ms_;
  bool has_read_ = false;
  uint32_t last_read_ms_ = 0;
  uint32_t next_seq_ = 0;
  uint32_t failed_reads_ = 0;
};

}  // namespace tcplab
