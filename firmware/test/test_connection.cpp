// The connection state machine against a fake transport and a fake clock.
#include <string>

#include "../src/connection.h"
#include "check.h"
#include "fakes.h"

using namespace tcplab;

namespace {

constexpr const char* kHello = "HELLO node-1\r\n";

struct Rig {
  explicit Rig(uint32_t start_ms = 0, std::string_view name = "node-1")
      : clock(start_ms), rng(7), backoff(make_policy(), rng),
        connection(transport, clock, backoff, log, name) {}

  static BackoffPolicy make_policy() {
    BackoffPolicy p;
    p.initial_ms = 1000;
    p.max_ms = 8000;
    p.reset_after_ms = 10000;
    return p;
  }

  // Steps until connected; false if it takes more than `limit` steps of 1 ms.
  bool step_until_connected(int limit = 100000) {
    for (int i = 0; i < limit; ++i) {
      connection.step();
      if (connection.is_connected()) return true;
      clock.advance(1);
    }
    return false;
  }

  Line line(const char* text) {
    Line l;
    l.length = std::string_view(text).size();
    std::string_view(text).copy(l.text, l.length);
    return l;
  }

  fakes::FakeClock clock;
  fakes::FakeTransport transport;
  XorShift32 rng;
  Backoff backoff;
  fakes::RecordingLog log;
  Connection connection;
};

}  // namespace

TEST_CASE(connection_starts_idle_then_connects_and_says_hello) {
  Rig rig;
  CHECK_EQ(rig.connection.state(), ConnectionState::Idle);
  rig.connection.step();
  CHECK_EQ(rig.connection.state(), ConnectionState::Connecting);
  CHECK_EQ(rig.transport.connect_calls, 0);
  rig.connection.step();
  CHECK_EQ(rig.connection.state(), ConnectionState::Connected);
  CHECK_EQ(rig.transport.connect_calls, 1);
  CHECK_EQ(rig.transport.sessions.size(), 1u);
  CHECK_EQ(rig.transport.sessions[0], kHello);
  CHECK_EQ(rig.connection.stats().connects, 1u);
  CHECK(rig.log.contains("connected; sent HELLO node-1"));
}

TEST_CASE(connection_sends_line_with_crlf_in_one_write) {
  Rig rig;
  CHECK(rig.step_until_connected());
  const int writes = rig.transport.write_calls;
  CHECK(rig.connection.send_line(rig.line("0,2003,21.0,40.0")));
  CHECK_EQ(rig.transport.write_calls, writes + 1);
  CHECK_EQ(rig.transport.sessions[0], std::string(kHello) + "0,2003,21.0,40.0\r\n");
}

TEST_CASE(connection_refuses_to_send_when_not_connected) {
  Rig rig;
  CHECK(!rig.connection.send_line(rig.line("0,1,2.0,3.0")));
  CHECK_EQ(rig.transport.write_calls, 0);
}

TEST_CASE(connect_failures_back_off_growing_capped_and_jittered) {
  Rig rig;
  const uint32_t ceilings[] = {1000, 2000, 4000, 8000, 8000, 8000, 8000};
  for (int i = 0; i < 7; ++i) rig.transport.connect_results.push_back(false);
  rig.connection.step();  // idle -> connecting
  for (int n = 0; n < 7; ++n) {
    rig.connection.step();  // the attempt fails
    CHECK_EQ(rig.connection.state(), ConnectionState::Backoff);
    CHECK_EQ(rig.transport.connect_calls, n + 1);
    const uint32_t delay = rig.connection.retry_delay_ms();
    CHECK(delay >= ceilings[n] / 2);
    CHECK(delay <= ceilings[n]);
    // Not a millisecond early...
    rig.clock.advance(delay - 1);
    rig.connection.step();
    CHECK_EQ(rig.connection.state(), ConnectionState::Backoff);
    CHECK_EQ(rig.transport.connect_calls, n + 1);
    // ...and due exactly on time.
    rig.clock.advance(1);
    rig.connection.step();
    CHECK_EQ(rig.connection.state(), ConnectionState::Connecting);
  }
  CHECK_EQ(rig.connection.stats().connect_failures, 7u);
  CHECK(rig.log.contains("connection refused; retry in"));
  rig.connection.step();  // the script is used up: this attempt succeeds
  CHECK(rig.connection.is_connected());
}

TEST_CASE(hello_is_sent_after_every_connect) {
  Rig rig;
  for (int session = 0; session < 3; ++session) {
    CHECK(rig.step_until_connected());
    CHECK(rig.connection.send_line(rig.line("1,2,3.0,4.0")));
    rig.transport.peer_closed = true;  // the server closes
    rig.connection.step();
    CHECK_EQ(rig.connection.state(), ConnectionState::Backoff);
  }
  CHECK_EQ(rig.transport.sessions.size(), 3u);
  for (const std::string& bytes : rig.transport.sessions) {
    CHECK_EQ(bytes, std::string(kHello) + "1,2,3.0,4.0\r\n");
  }
  CHECK_EQ(rig.transport.close_calls, 3);
  CHECK_EQ(rig.connection.stats().drops, 3u);
  CHECK(rig.log.contains("connection closed by the server"));
}

TEST_CASE(write_failure_closes_backs_off_and_reconnects) {
  Rig rig;
  CHECK(rig.step_until_connected());
  rig.transport.fail_next_write = true;
  CHECK(!rig.connection.send_line(rig.line("5,6,7.0,8.0")));
  CHECK_EQ(rig.connection.state(), ConnectionState::Backoff);
  CHECK(!rig.transport.is_open());
  CHECK(rig.log.contains("write failed: broken pipe; retry in"));
  CHECK(rig.connection.retry_delay_ms() <= 1000u);
  CHECK(rig.step_until_connected());
  CHECK_EQ(rig.transport.sessions.size(), 2u);
  CHECK_EQ(rig.transport.sessions[1], kHello);
}

TEST_CASE(failed_hello_counts_as_a_failed_connect) {
  Rig rig;
  rig.transport.fail_next_write = true;
  rig.connection.step();
  rig.connection.step();
  CHECK_EQ(rig.connection.state(), ConnectionState::Backoff);
  CHECK_EQ(rig.connection.stats().connect_failures, 1u);
  CHECK_EQ(rig.connection.stats().connects, 0u);
  CHECK(!rig.transport.is_open());
}

TEST_CASE(network_down_goes_idle_and_comes_back) {
  Rig rig;
  CHECK(rig.step_until_connected());
  rig.transport.network = false;
  rig.connection.step();
  CHECK_EQ(rig.connection.state(), ConnectionState::Idle);
  CHECK(!rig.transport.is_open());
  for (int i = 0; i < 100; ++i) {
    rig.clock.advance(100);
    rig.connection.step();
  }
  CHECK_EQ(rig.transport.connect_calls, 1);  // no attempts without a network
  CHECK(rig.log.contains("network down"));
  rig.transport.network = true;
  CHECK(rig.step_until_connected(3));
  CHECK_EQ(rig.transport.sessions[1], kHello);
}

TEST_CASE(only_a_lasting_connection_resets_the_backoff) {
  Rig rig;
  rig.transport.connect_results = {false, false};
  CHECK(rig.step_until_connected());
  CHECK_EQ(rig.backoff.failures(), 2u);
  rig.clock.advance(1000);  // a short-lived connection: keeps growing
  rig.transport.peer_closed = true;
  rig.connection.step();
  CHECK_EQ(rig.backoff.failures(), 3u);
  CHECK(rig.step_until_connected());
  rig.clock.advance(10000);  // a lasting one: starts over
  rig.transport.peer_closed = true;
  rig.connection.step();
  CHECK_EQ(rig.backoff.failures(), 1u);
}

TEST_CASE(backoff_wait_is_right_across_the_millis_wrap) {
  Rig rig(UINT32_MAX - 200);
  rig.transport.connect_results = {false};
  rig.connection.step();
  rig.connection.step();
  const uint32_t delay = rig.connection.retry_delay_ms();
  CHECK(delay >= 500u);
  rig.clock.advance(delay - 1);  // wraps past zero
  rig.connection.step();
  CHECK_EQ(rig.connection.state(), ConnectionState::Backoff);
  rig.clock.advance(1);
  rig.connection.step();
  CHECK_EQ(rig.connection.state(), ConnectionState::Connecting);
}

TEST_CASE(invalid_name_means_no_hello) {
  Rig rig(0, "not a valid name");
  CHECK(rig.step_until_connected());
  CHECK_EQ(rig.transport.sessions[0], "");
  CHECK(rig.log.contains("no HELLO"));
}

TEST_CASE(state_names) {
  CHECK_EQ(std::string(state_name(ConnectionState::Idle)), "idle");
  CHECK_EQ(std::string(state_name(ConnectionState::Connecting)), "connecting");
  CHECK_EQ(std::string(state_name(ConnectionState::Connected)), "connected");
  CHECK_EQ(std::string(state_name(ConnectionState::Backoff)), "backoff");
}
