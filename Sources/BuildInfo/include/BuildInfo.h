#ifndef TCPLAB_BUILD_INFO_H
#define TCPLAB_BUILD_INFO_H
/* The commit tcplab was built from, set by Package.swift from the checkout's git information
 * (a C define, because a Swift compilation condition cannot carry a string). */
#ifndef TCPLAB_COMMIT
#define TCPLAB_COMMIT "unknown"
#endif
const char *tcplab_build_commit(void);
#endif
