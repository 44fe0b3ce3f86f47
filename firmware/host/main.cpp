// virtual-nodemcu: the firmware's core driving a POSIX socket and a simulated DHT11.
// See `virtual-nodemcu --help`.
#include <csignal>
#include <cstdio>
#include <ctime>
#include <string>

#include <unistd.h>

#include "../src/tcplab_core.h"
#include "host_ports.h"
#include "options.h"
#include "posix_transport.h"
#include "simulated_dht.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;

void on_signal(int) { g_stop = 1; }

// No SA_RESTART: a Ctrl-C also cuts short a poll() in connect or write.
void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

void sleep_ms(long ms) {
  timespec t{};
  t.tv_nsec = ms * 1000000L;
  nanosleep(&t, nullptr);
}

uint32_t default_seed() {
  return static_cast<uint32_t>(std::time(nullptr)) ^ (static_cast<uint32_t>(getpid()) << 16);
}

}  // namespace

int main(int argc, char** argv) {
  host::Options options;
  std::string error;
  switch (host::parse_options(argc, argv, options, error)) {
    case host::ParseOutcome::Help:
      std::fputs(host::usage_text(), stdout);
      return 0;
    case host::ParseOutcome::Error:
      std::fprintf(stderr, "virtual-nodemcu: %s\n(see virtual-nodemcu --help)\n", error.c_str());
      return 2;
    case host::ParseOutcome::Run:
      break;
  }
  install_signal_handlers();

  const uint32_t seed = options.seed != 0 ? options.seed : default_seed();
  host::SteadyClock clock;
  host::StderrLog log(clock, options.name);
  tcplab::XorShift32 jitter_rng(seed);
  tcplab::XorShift32 sensor_rng(seed ^ 0x5bd1e995u);

  host::SocketOptions socket_options;
  socket_options.no_delay = !options.nagle;
  socket_options.keepalive = options.keepalive;
  host::PosixTransport transport(options.host, options.port, socket_options);

  // Quicker than the board's 1 s..60 s: a lab laptop's server is either there or not.
  tcplab::BackoffPolicy policy;
  policy.initial_ms = 500;
  policy.max_ms = 8000;
  tcplab::Backoff backoff(policy, jitter_rng);
  tcplab::Connection connection(transport, clock, backoff, log, options.name);
  // The host has no DHT11; --allow-fast lowers the floor for tests (see --help).
  tcplab::ReadingScheduler scheduler(options.interval_ms,
                                     options.allow_fast ? 0 : tcplab::kDht11MinIntervalMs);
  host::SimulatedDht sensor(clock, sensor_rng);
  tcplab::Device device(connection, scheduler, sensor, clock, log);

  const std::string how_many =
      options.readings == 0 ? "readings until interrupted" : std::to_string(options.readings) + " readings";
  char banner[256];
  std::snprintf(banner, sizeof banner, "%s to %s:%u every %lu ms (%s, keepalive %s, seed %lu)",
                how_many.c_str(), options.host.c_str(), options.port,
                static_cast<unsigned long>(scheduler.interval_ms()),
                options.nagle ? "Nagle on" : "TCP_NODELAY", options.keepalive ? "on" : "off",
                static_cast<unsigned long>(seed));
  log.log(banner);

  int status = 0;
  for (;;) {
    if (g_stop) {
      status = 130;
      break;
    }
    if (options.readings != 0 && device.readings_sent() >= options.readings) break;
    device.step();
    if (connection.state() == tcplab::ConnectionState::Backoff &&
        backoff.failures() >= options.max_failures) {
      std::fprintf(stderr, "virtual-nodemcu: gave up after %lu failed connections in a row to %s:%u; last: %s\n",
                   static_cast<unsigned long>(backoff.failures()), options.host.c_str(),
                   options.port, transport.last_error());
      status = 1;
      break;
    }
    sleep_ms(1);
  }

  if (connection.is_connected()) {
    log.log(transport.finish(2000) ? "closed; the server closed its side too"
                                   : "closed; the server did not close its side within 2 s");
  }
  const tcplab::ConnectionStats& stats = connection.stats();
  char summary[256];
  std::snprintf(summary, sizeof summary,
                "summary: %lu of %lu readings written, %lu lost, %lu failed sensor reads, "
                "%lu connects, %lu failed connects",
                static_cast<unsigned long>(device.readings_sent()),
                static_cast<unsigned long>(options.readings),
                static_cast<unsigned long>(device.readings_lost()),
                static_cast<unsigned long>(scheduler.failed_reads()),
                static_cast<unsigned long>(stats.connects),
                static_cast<unsigned long>(stats.connect_failures));
  log.log(summary);
  if (status == 130) std::fprintf(stderr, "virtual-nodemcu: interrupted\n");
  return status;
}
