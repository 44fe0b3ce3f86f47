// tcplab sensor client: NodeMCU (ESP8266) + DHT11 on D2, one reading per line over TCP:
//   HELLO <name>\r\n  after every connect, then  <seq>,<millis>,<t>,<h>\r\n
// The logic (format, scheduler, state machine, backoff) is the tcplab-core library in
// firmware/src, tested on the host; this sketch only wires it to the board.
// Build and flash: see firmware/README.md.

#include <Arduino.h>
#include <DHT.h>
#include <ESP8266WiFi.h>

#include "tcplab_core.h"

#if __has_include("secrets.h")
#include "secrets.h"
#else
#error "Copy secrets.example.h to secrets.h (same folder) and fill in Wi-Fi and server."
#endif

// Compile-time switches. Arduino IDE: edit the numbers here.
// PlatformIO: build_flags = -DTCPLAB_NAGLE=1 (see the nodemcuv2_nagle env).
#ifndef TCPLAB_NAGLE
#define TCPLAB_NAGLE 0  // 1 = leave Nagle's algorithm on, for the lab about it
#endif
#ifndef TCPLAB_KEEPALIVE
#define TCPLAB_KEEPALIVE 0  // 1 = TCP keepalive probes: 10 s idle, then every 5 s, 3 tries
#endif
#ifndef TCPLAB_INTERVAL_MS
#define TCPLAB_INTERVAL_MS 5000  // the core raises anything below the DHT11's 2000 ms
#endif

#include "board_ports.h"

constexpr uint8_t kDhtPin = D2;  // as in the original sketch; 10 kOhm pull-up to 3V3

DHT dht(kDhtPin, DHT11);
MillisClock board_clock;
EspRandom board_random;
SerialLog serial_log;
WifiKeeper wifi;
WifiTransport transport(kServerHost, kServerPort, TCPLAB_NAGLE == 0, TCPLAB_KEEPALIVE != 0);
DhtSensor sensor(dht);
tcplab::Backoff backoff(tcplab::BackoffPolicy{}, board_random);  // 1 s doubling to 60 s
tcplab::Connection connection(transport, board_clock, backoff, serial_log, kDeviceName);
tcplab::ReadingScheduler scheduler(TCPLAB_INTERVAL_MS);  // floor fixed at kDht11MinIntervalMs
tcplab::Device device(connection, scheduler, sensor, board_clock, serial_log);

void setup() {
  Serial.begin(115200);
  Serial.println();
  Serial.printf("tcplab sensor client '%s' -> %s:%u, reading every %lu ms, %s, keepalive %s\n",
                kDeviceName, kServerHost, kServerPort,
                static_cast<unsigned long>(scheduler.interval_ms()),
                TCPLAB_NAGLE ? "Nagle on" : "Nagle off (setNoDelay)", TCPLAB_KEEPALIVE ? "on" : "off");
  dht.begin();
  wifi.begin(kWifiSsid, kWifiPassword);
}

void loop() {
  wifi.check();   // Wi-Fi is re-checked every pass; the core goes idle while it is down
  device.step();  // connect / back off / read the sensor when due / send
  delay(10);      // yields to the Wi-Fi stack; the core never needs finer timing
}
