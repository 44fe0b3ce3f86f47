// A tiny self-contained test runner: named cases, CHECK/CHECK_EQ, a one-line summary.
// Cases register statically (TEST_CASE) or at run time (add_case, one per test vector).
#pragma once

#include <functional>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>

namespace check {

void add_case(std::string name, std::function<void()> body);
void fail(const char* file, int line, const std::string& message);
// Runs every case in registration order; prints failures (and passes if verbose).
// Returns the number of failed cases after printing "N passed, M failed".
int run_all(bool verbose);

template <typename T>
std::string show(const T& value) {
  std::ostringstream out;
  if constexpr (std::is_enum_v<T>) {
    out << static_cast<long long>(value);
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    out << '"' << std::string_view(value) << '"';
  } else if constexpr (std::is_same_v<T, bool>) {
    out << (value ? "true" : "false");
  } else {
    out.precision(17);
    out << value;
  }
  return out.str();
}

struct Registrar {
  Registrar(const char* name, void (*body)()) { add_case(name, body); }
};

}  // namespace check

#define TEST_CASE(name)                                                   \
  static void name();                                                     \
  static const ::check::Registrar name##_registrar(#name, name);          \
  static void name()

#define CHECK(condition)                                                        \
  do {                                                                          \
    if (!(condition)) ::check::fail(__FILE__, __LINE__, "CHECK(" #condition ")"); \
  } while (0)

#define CHECK_EQ(actual, expected)                                                    \
  do {                                                                                \
    const auto& check_a_ = (actual);                                                  \
    const auto& check_e_ = (expected);                                                \
    if (!(check_a_ == check_e_)) {                                                    \
      ::check::fail(__FILE__, __LINE__,                                               \
                    std::string(#actual " == " #expected ": got ") +                  \
                        ::check::show(check_a_) + ", expected " + ::check::show(check_e_)); \
    }                                                                                 \
  } while (0)
