#include "host_ports.h"

#include <cstdio>

namespace host {

uint32_t SteadyClock::now_ms() {
  const auto elapsed = std::chrono::steady_clock::now() - start_;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
  return static_cast<uint32_t>(static_cast<uint64_t>(ms));
}

void StderrLog::log(const char* message) {
  const uint32_t ms = clock_.now_ms();
  std::fprintf(stderr, "[%6lu.%03lu] %s: %s\n", static_cast<unsigned long>(ms / 1000),
               static_cast<unsigned long>(ms % 1000), name_.c_str(), message);
}

}  // namespace host
