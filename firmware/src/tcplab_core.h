// Umbrella header of the portable core. The sketch includes only this, which is also how the
// Arduino builder finds the library (library.properties: includes=tcplab_core.h).
#pragma once

#include "backoff.h"
#include "clock.h"
#include "connection.h"
#include "device.h"
#include "line_format.h"
#include "log_sink.h"
#include "random_source.h"
#include "scheduler.h"
#include "sensor.h"
#include "sensor_line.h"
#include "tcp_tuning.h"
#include "transport.h"
