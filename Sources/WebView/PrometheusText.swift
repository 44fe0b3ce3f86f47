import SensorServer

/// `GET /metrics` in Prometheus' text exposition format (version 0.0.4): the server's counters,
/// and per board its readings, gaps, restarts, rejected lines and last values, each family with
/// its HELP and TYPE lines, so a course that runs Prometheus and Grafana can scrape the room.
public enum PrometheusText {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public static func metrics(_ statistics: ServerStatistics, classroom: Classroom, browsers: Int) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for sample in samples { out += name + sample.labels + " " + sample.value + "\n" }
        }
        func one(_ name: String, _ type: String, _ help: String, _ value: Int) {
            family(name, type, help, [("", String(value))])
        }
        one("tcplab_readings_total", "counter", "Valid readings received.", statistics.readings)
        family("tcplab_rejected_lines_total", "counter", "Lines rejected, by reason.",
               statistics.rejectedByReason.sorted { $0.key < $1.key }.map { (label(["reason": $0.key.code]), String($0.value)) })
        one("tcplab_connections_open", "gauge", "Board connections open now.", statistics.connectionsOpen)
        one("tcplab_connections_total", "counter", "Board connections accepted (refused ones not included).",
            statistics.connectionsAccepted)
        family("tcplab_connections_refused_total", "counter", "Connections closed on arrival, by reason.",
               statistics.refusedByReason.sorted { $0.key < $1.key }.map { (label(["reason": $0.key]), String($0.value)) })
        one("tcplab_idle_timeouts_total", "counter", "Connections closed for saying nothing for --idle-timeout.",
            statistics.idleTimeouts)
        one("tcplab_gaps_total", "counter", "Jumps in a board's seq: readings written that never arrived.", statistics.gaps)
        one("tcplab_missing_readings_total", "counter", "Readings missing in those gaps.", statistics.missingReadings)
        one("tcplab_restarts_total", "counter", "Boards whose seq or millis went back (a reboot).", statistics.restarts)
        one("tcplab_bytes_received_total", "counter", "Bytes received from boards.", statistics.bytesReceived)
        one("tcplab_web_dropped_items_total", "counter",
            "Server events the web view dropped because it fell behind (the server itself lost none).",
            classroom.droppedItems)
        one("tcplab_web_browsers", "gauge", "Browsers following the live page.", browsers)

        let boards = classroom.sortedBoards
        func perBoard(_ name: String, _ type: String, _ help: String, _ value: (BoardRow) -> String?) {
            family(name, type, help, boards.compactMap { board in value(board).map { (label(["device": board.name]), $0) } })
        }
        perBoard("tcplab_device_readings_total", "counter", "Valid readings received from this board.") { String($0.readings) }
        perBoard("tcplab_device_gaps_total", "counter", "Gaps in this board's seq.") { String($0.gaps) }
        perBoard("tcplab_device_restarts_total", "counter", "Restarts of this board.") { String($0.restarts) }
        perBoard("tcplab_device_rejected_lines_total", "counter", "Lines from this board that were rejected.") { String($0.rejected) }
        perBoard("tcplab_device_connected", "gauge", "1 while this board is connected.") { $0.connected ? "1" : "0" }
        perBoard("tcplab_device_temperature_celsius", "gauge", "The board's last temperature reading.") {
            $0.last.map { value($0.reading.temperature) }
        }
        perBoard("tcplab_device_humidity_percent", "gauge", "The board's last relative humidity reading.") {
            $0.last.map { value($0.reading.humidity) }
        }
        return out
    }

    /// `{name="value",...}` with the label values escaped as the format asks: `\\`, `\"`, `\n`.
    static func label(_ labels: [String: String]) -> String {
        let parts = labels.sorted { $0.key < $1.key }.map { key, value in
            var escaped = ""
            for character in value.unicodeScalars {
                switch character {
                case "\\": escaped += "\\\\"
                case "\"": escaped += "\\\""
                case "\n": escaped += "\\n"
                default: escaped.unicodeScalars.append(character)
                }
            }
            return "\(key)=\"\(escaped)\""
        }
        return "{" + parts.joined(separator: ",") + "}"
    }

    static func value(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number > 0 ? "+Inf" : "-Inf" }
        return "\(number)"
    }
}
