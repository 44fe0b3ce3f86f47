// The whole board loop: connection + scheduler + sensor, as the .ino and the host run it.
#include <string>

#include "../src/device.h"
#include "check.h"
#include "fakes.h"

using namespace tcplab;

namespace {

struct Board {
  explicit Board(uint32_t interval_ms = 2000, uint32_t floor_ms = kDht11MinIntervalMs)
      : rng(3), backoff(BackoffPolicy{}, rng),
        connection(transport, clock, backoff, log, "dev"),
        scheduler(interval_ms, floor_ms),
        device(connection, scheduler, sensor, clock, log) {}

  // Runs the loop every millisecond for `ms` milliseconds.
  void run_for(uint32_t ms) {
    for (uint32_t i = 0; i < ms; ++i) {
      device.step();
      clock.advance(1);
    }
  }

  fakes::FakeClock clock;
  fakes::FakeTransport transport;
  fakes::FakeSensor sensor;
  XorShift32 rng;
  Backoff backoff;
  fakes::RecordingLog log;
  Connection connection;
  ReadingScheduler scheduler;
  Device device;
};

}  // namespace

TEST_CASE(device_sends_hello_then_readings) {
  Board board;
  board.sensor.samples = {Sample{21.0, 40.0}, Sample{21.1, 41.0}};
  board.run_for(2003);
  // Connected on the second step (t=1 ms); the first reading follows at once.
  CHECK_EQ(board.transport.sessions.size(), 1u);
  CHECK_EQ(board.transport.sessions[0], "HELLO dev\r\n0,1,21.0,40.0\r\n1,2001,21.1,41.0\r\n");
  CHECK_EQ(board.device.readings_sent(), 2u);
  CHECK(board.log.contains("sent 1,2001,21.1,41.0"));
}

TEST_CASE(device_reads_nothing_while_disconnected) {
  Board board;
  board.transport.network = false;
  board.run_for(10000);
  CHECK_EQ(board.sensor.reads, 0);
  CHECK_EQ(board.transport.connect_calls, 0);
}

TEST_CASE(device_skips_and_counts_nan_reads) {
  Board board;
  board.sensor.samples = {fakes::nan_sample(), fakes::nan_sample(), Sample{22.0, 50.0}};
  board.run_for(4002);
  CHECK_EQ(board.scheduler.failed_reads(), 2u);
  CHECK_EQ(board.sensor.reads, 3);
  CHECK_EQ(board.transport.sessions[0], "HELLO dev\r\n0,4001,22.0,50.0\r\n");
  CHECK(board.log.contains("skipped, 2 so far"));
}

TEST_CASE(device_respects_the_interval_floor) {
  Board board(500);  // asks for 500 ms; the DHT11 floor makes it 2000
  board.run_for(10000);
  CHECK_EQ(board.sensor.reads, 5);  // t = 1, 2001, 4001, 6001, 8001
  CHECK_EQ(board.device.readings_sent(), 5u);
}

TEST_CASE(device_loses_a_reading_on_write_failure_and_carries_on) {
  Board board;
  board.run_for(2);  // connected, reading 0 sent
  board.transport.fail_next_write = true;
  board.run_for(2000);  // reading 1 fails; backoff <= 1 s; reconnect; reading 2 two s later
  board.run_for(2000);
  CHECK_EQ(board.device.readings_lost(), 1u);
  CHECK_EQ(board.transport.sessions.size(), 2u);
  CHECK_EQ(board.transport.sessions[0], "HELLO dev\r\n0,1,21.5,40.0\r\n");
  // The new connection starts with HELLO again; seq 1 is the gap the server will see.
  CHECK_EQ(board.transport.sessions[1].rfind("HELLO dev\r\n2,", 0), 0u);
  CHECK(board.log.contains("lost 1,2001,21.5,40.0"));
}
