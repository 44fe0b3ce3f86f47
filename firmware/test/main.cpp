// host-tests [-v] PATH/TO/sensor_lines.tsv
// The Makefile passes the vectors' path, resolved from its own directory, so the tests run
// the same from any working directory.
#include <cstdio>
#include <cstring>
#include <string>

#include "check.h"

void register_vector_cases(const std::string& path);

int main(int argc, char** argv) {
  bool verbose = false;
  std::string vectors_path;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-v") == 0) {
      verbose = true;
    } else {
      vectors_path = argv[i];
    }
  }
  if (vectors_path.empty()) {
    std::fprintf(stderr, "usage: %s [-v] PATH/TO/testdata/sensor_lines.tsv\n", argv[0]);
    return 2;
  }
  register_vector_cases(vectors_path);
  return check::run_all(verbose) == 0 ? 0 : 1;
}
