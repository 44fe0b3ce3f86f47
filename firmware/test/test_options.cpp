// virtual-nodemcu's option rules, above all the DHT11 floor that only --allow-fast lowers.
#include <string>
#include <vector>

#include "../host/options.h"
#include "check.h"

namespace {

struct Parsed {
  host::ParseOutcome outcome;
  host::Options options;
  std::string error;
};

Parsed parse(std::vector<std::string> args) {
  args.insert(args.begin(), "virtual-nodemcu");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  Parsed p{};
  p.outcome = host::parse_options(static_cast<int>(argv.size()), argv.data(), p.options, p.error);
  return p;
}

}  // namespace

TEST_CASE(options_defaults_match_the_board) {
  const Parsed p = parse({});
  CHECK_EQ(p.outcome, host::ParseOutcome::Run);
  CHECK_EQ(p.options.port, 5050u);
  CHECK_EQ(p.options.interval_ms, 5000u);
  CHECK(!p.options.nagle);
  CHECK(!p.options.keepalive);
}

TEST_CASE(options_all_flags) {
  const Parsed p = parse({"--host", "10.0.0.2", "--port", "6000", "--readings", "20", "--interval-ms",
                          "10", "--allow-fast", "--name", "bench-2", "--nagle", "--keepalive",
                          "--max-failures", "3", "--seed", "42"});
  CHECK_EQ(p.outcome, host::ParseOutcome::Run);
  CHECK_EQ(p.options.host, "10.0.0.2");
  CHECK_EQ(p.options.port, 6000u);
  CHECK_EQ(p.options.readings, 20u);
  CHECK_EQ(p.options.interval_ms, 10u);
  CHECK_EQ(p.options.name, "bench-2");
  CHECK(p.options.nagle && p.options.keepalive && p.options.allow_fast);
  CHECK_EQ(p.options.max_failures, 3u);
  CHECK_EQ(p.options.seed, 42u);
}

TEST_CASE(options_keep_the_dht11_floor_unless_allow_fast) {
  const Parsed fast = parse({"--interval-ms", "1999"});
  CHECK_EQ(fast.outcome, host::ParseOutcome::Error);
  CHECK(fast.error.find("--allow-fast") != std::string::npos);
  CHECK_EQ(parse({"--interval-ms", "2000"}).outcome, host::ParseOutcome::Run);
}

TEST_CASE(options_reject_bad_values) {
  CHECK_EQ(parse({"--port", "0"}).outcome, host::ParseOutcome::Error);
  CHECK_EQ(parse({"--port", "65536"}).outcome, host::ParseOutcome::Error);
  CHECK_EQ(parse({"--readings", "-1"}).outcome, host::ParseOutcome::Error);
  CHECK_EQ(parse({"--readings", "12x"}).outcome, host::ParseOutcome::Error);
  CHECK_EQ(parse({"--name", "has space"}).outcome, host::ParseOutcome::Error);
  CHECK_EQ(parse({"--max-failures", "0"}).outcome, host::ParseOutcome::Error);
  CHECK_EQ(parse({"--bogus"}).outcome, host::ParseOutcome::Error);
  CHECK_EQ(parse({"--port"}).outcome, host::ParseOutcome::Error);
  CHECK_EQ(parse({"--help"}).outcome, host::ParseOutcome::Help);
}
