#include "device.h"

#include <cstdio>

namespace tcplab {

Device::Device(Connection& connection, ReadingScheduler& scheduler, Sensor& sensor, Clock& clock,
               LogSink& log)
    : connection_(connection), scheduler_(scheduler), sensor_(sensor), clock_(clock), log_(log) {}

void Device::step() {
  connection_.step();
  if (!connection_.is_connected()) return;
  const uint32_t now = clock_.now_ms();
  if (scheduler_.due(now)) read_and_send(now);
}

void Device::read_and_send(uint32_t now) {
  char message[96];
  Line line;
  if (!scheduler_.take(now, sensor_.read(), line)) {
    std::snprintf(message, sizeof message, "sensor read failed (NaN or out of range); skipped, %lu so far",
                  static_cast<unsigned long>(scheduler_.failed_reads()));
    log_.log(message);
    return;
  }
  if (connection_.send_line(line)) {
    ++readings_sent_;
    std::snprintf(message, sizeof message, "sent %s", line.text);
  } else {
    ++readings_lost_;
    std::snprintf(message, sizeof message, "lost %s (write failed)", line.text);
  }
  log_.log(message);
}

}  // namespace tcplab
