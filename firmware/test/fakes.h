// Test doubles for the core's interfaces: a hand-advanced clock, a scripted transport,
// scripted randomness, a recording log and a scripted sensor.
#pragma once

#include <cmath>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "../src/clock.h"
#include "../src/log_sink.h"
#include "../src/random_source.h"
#include "../src/sensor.h"
#include "../src/transport.h"

namespace fakes {

class FakeClock final : public tcplab::Clock {
 public:
  explicit FakeClock(uint32_t start_ms = 0) : now_(start_ms) {}
  uint32_t now_ms() override { return now_; }
  void advance(uint32_t ms) { now_ += ms; }  // wraps like millis()

 private:
  uint32_t now_;
};

class FakeTransport final : public tcplab::Transport {
 public:
  bool network = true;
  std::deque<bool> connect_results;  // consumed one per connect(); empty = success
  bool peer_closed = false;          // connected() reports false until the next connect
  bool fail_next_write = false;
  std::vector<std::string> sessions;  // bytes written, one string per connection
  int connect_calls = 0;
  int close_calls = 0;
  int write_calls = 0;

  bool network_up() override { return network; }

  bool connect() override {
    ++connect_calls;
    bool ok = true;
    if (!connect_results.empty()) {
      ok = connect_results.front();
      connect_results.pop_front();
    }
    if (!ok) {
      error_ = "connection refused";
      return false;
    }
    open_ = true;
    peer_closed = false;
    sessions.emplace_back();
    return true;
  }

  bool connected() override {
    if (open_ && peer_closed) error_ = "connection closed by the server";
    return open_ && !peer_closed;
  }

  bool write(const char* data, size_t length) override {
    ++write_calls;
    if (!open_ || fail_next_write) {
      fail_next_write = false;
      error_ = "write failed: broken pipe";
      return false;
    }
    sessions.back().append(data, length);
    return true;
  }

  void close() override {
    ++close_calls;
    open_ = false;
  }

  const char* last_error() const override { return error_.c_str(); }
  bool is_open() const { return open_; }

 private:
  bool open_ = false;
  std::string error_;
};

// Returns the scripted values in turn, then repeats the last one.
class ScriptedRandom final : public tcplab::RandomSource {
 public:
  explicit ScriptedRandom(std::vector<uint32_t> values) : values_(std::move(values)) {}
  uint32_t next_u32() override {
    const uint32_t v = values_[index_];
    if (index_ + 1 < values_.size()) ++index_;
    return v;
  }

 private:
  std::vector<uint32_t> values_;
  size_t index_ = 0;
};

class RecordingLog final : public tcplab::LogSink {
 public:
  std::vector<std::string> lines;
  void log(const char* message) override { lines.emplace_back(message); }
  bool contains(const std::string& text) const {
    for (const std::string& line : lines) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }
};

// Returns the scripted samples in turn, then a steady 21.5 C / 40 %.
class FakeSensor final : public tcplab::Sensor {
 public:
  std::deque<tcplab::Sample> samples;
  int reads = 0;
  tcplab::Sample read() override {
    ++reads;
    if (samples.empty()) return tcplab::Sample{21.5, 40.0};
    const tcplab::Sample s = samples.front();
    samples.pop_front();
    return s;
  }
};

inline tcplab::Sample nan_sample() { return tcplab::Sample{std::nan(""), std::nan("")}; }

}  // namespace fakes
