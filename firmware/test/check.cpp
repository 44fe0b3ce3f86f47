#include "check.h"

#include <cstdio>
#include <exception>
#include <utility>
#include <vector>

namespace check {
namespace {

struct Case {
  std::string name;
  std::function<void()> body;
};

// Function-local statics: safe to use from other files' static initialisers.
std::vector<Case>& cases() {
  static std::vector<Case> all;
  return all;
}

std::vector<std::string>& current_failures() {
  static std::vector<std::string> failures;
  return failures;
}

}  // namespace

void add_case(std::string name, std::function<void()> body) {
  cases().push_back(Case{std::move(name), std::move(body)});
}

void fail(const char* file, int line, const std::string& message) {
  current_failures().push_back(std::string(file) + ":" + std::to_string(line) + ": " + message);
}

int run_all(bool verbose) {
  int passed = 0;
  int failed = 0;
  for (const Case& c : cases()) {
    current_failures().clear();
    try {
      c.body();
    } catch (const std::exception& e) {
      fail("(exception)", 0, e.what());
    } catch (...) {
      fail("(exception)", 0, "unknown exception");
    }
    if (current_failures().empty()) {
      ++passed;
      if (verbose) std::printf("ok    %s\n", c.name.c_str());
    } else {
      ++failed;
      std::printf("FAIL  %s\n", c.name.c_str());
      for (const std::string& f : current_failures()) std::printf("      %s\n", f.c_str());
    }
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed;
}

}  // namespace check
