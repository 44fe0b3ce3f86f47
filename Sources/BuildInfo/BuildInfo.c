#include "BuildInfo.h"

const char *tcplab_build_commit(void) { return TCPLAB_COMMIT; }
