// Time as an injected interface: millis() on the board, a steady clock on the host,
// a hand-advanced fake in the tests.
#pragma once

#include <cstdint>

namespace tcplab {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual uint32_t now_ms() = 0;  // wraps after 49.7 days, like Arduino's millis()
};

// Time from `since` to `now`; unsigned subtraction stays right across the wrap.
inline uint32_t elapsed_ms(uint32_t now, uint32_t since) {
  return static_cast<uint32_t>(now - since);
}

}  // namespace tcplab
