#ifndef TCPLAB_BUILD_INFO_H
#define TCPLAB_BUILD_INFO_H
/* The commit tcplab was built from: BuildCommit.h, written by scripts/build-info.sh before each
 * `make` build (a C define, because a Swift compilation condition cannot carry a string). */
#if __has_include("BuildCommit.h")
#include "BuildCommit.h"
#endif
#ifndef TCPLAB_COMMIT
#define TCPLAB_COMMIT "unknown (built without make: scripts/build-info.sh not run)"
#endif
const char *tcplab_build_commit(void);
#endif
