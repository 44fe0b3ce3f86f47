// The whole board in one step(): keep the connection going and, while connected, read the
// sensor when due and send the line. The .ino and the virtual NodeMCU both run this.
#pragma once

#include <cstdint>

#include "clock.h"
#include "connection.h"
#include "log_sink.h"
#include "scheduler.h"
#include "sensor.h"

namespace tcplab {

class Device {
 public:
  Device(Connection& connection, ReadingScheduler& scheduler, Sensor& sensor, Clock& clock,
         LogSink& log);

  void step();

  // Lines written to the transport; lines numbered but lost to a failed write.
  uint32_t readings_sent() const { return readings_sent_; }
  uint32_t readings_lost() const { return readings_lost_; }

 private:
  // The sensor is read only while connected, so seq counts readings the board tried to
  // send: a gap in seq at the server is a reading written into a dying connection.
  void read_and_send(uint32_t now);

  Connection& connection_;
  ReadingScheduler& scheduler_;
  Sensor& sensor_;
  Clock& clock_;
  LogSink& log_;
  uint32_t readings_sent_ = 0;
  uint32_t readings_lost_ = 0;
};

}  // namespace tcplab
