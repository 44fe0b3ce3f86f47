import SensorProtocol

/// The terminal view of the server, one aligned line per event:
///
///     [23:12:06] nodemcu-01        seq     17  up     92.015 s   30.5 °C   78.0 %RH
///     [23:12:06] + 192.168.1.20:53122 connected (2 open)
///     [23:12:09] ✗ nodemcu-01 line 4: bad-temperature: expected …, found "nan"      (stderr)
///
/// Times are local wall-clock time; `color` adds ANSI colours.
public struct EventTextFormatter: Sendable {
    public var color: Bool
    /// `--quiet`: readings are left out (events, stats and the summary stay).
    public var includeReadings: Bool
    /// Device names are padded to this width so the columns line up.
    public var deviceColumnWidth = 16

    public init(color: Bool = false, includeReadings: Bool = true) {
        self.color = color
        self.includeReadings = includeReadings
    }

    public func format(_ event: SensorEvent) -> ConsoleLine? {
        switch event {
        case .reading(let received):
            guard self.includeReadings else { return nil }
            let reading = received.reading
            let text = self.stamp(received.received) + " "
                + self.paint(Self.padRight(received.device, self.deviceColumnWidth), .cyan)
                + "  seq " + Self.padLeft(String(reading.seq), 6)
                + "  up " + Self.padLeft(Self.fixed(Double(reading.millis) / 1000, decimals: 3), 10) + " s"
                + "  " + Self.padLeft(SensorLineFormatter.oneDecimal(reading.temperature), 5) + " °C"
                + "  " + Self.padLeft(SensorLineFormatter.oneDecimal(reading.humidity), 5) + " %RH"
            return ConsoleLine(text)
        case .connected(let peer, let at, let open):
            return ConsoleLine(self.stamp(at) + " " + self.paint("+ \(peer) connected", .green) + " (\(open) open)")
        case .refused(let peer, let at, let reason, let unreported):
            return ConsoleLine(
                self.stamp(at) + " " + self.paint("✗ \(peer) refused", .red) + ": " + reason.explanation
                    + (unreported > 0 ? " (\(unreported) more refusals before it, counted, not shown)" : ""),
                on: .standardError)
        case .named(let peer, let device, _, let at):
            return ConsoleLine(self.stamp(at) + " = \(peer) is " + self.paint(device, .cyan))
        case .rejected(let rejected):
            let text = self.stamp(rejected.received) + " "
                + self.paint("✗ \(rejected.device) line \(rejected.line):", .red) + " " + rejected.message
                + (rejected.unreportedBefore > 0
                    ? " (\(rejected.unreportedBefore) more rejected lines before it, counted, not shown)" : "")
            return ConsoleLine(text, on: .standardError)
        case .continuity(let continuity):
            return ConsoleLine(self.stamp(continuity.received) + " " + self.describe(continuity))
        case .disconnected(let end):
            let who = end.device == end.peer ? end.peer : "\(end.device) (\(end.peer))"
            let text = self.stamp(end.at) + " " + self.paint("- \(who) disconnected", .dim)
                + " after \(Self.describe(end.duration)): \(end.reason); "
                + "\(end.readings) reading\(end.readings == 1 ? "" : "s"), \(end.rejected) rejected"
                + (end.unreported > 0 ? " (\(end.unreported) of them not shown one by one)" : "")
            return ConsoleLine(text)
        }
    }

    public func format(listeningOn address: String, at: Timestamp) -> ConsoleLine {
        ConsoleLine(self.stamp(at) + " listening on \(address); Ctrl-C stops and prints a summary")
    }

    public func format(_ statistics: ServerStatistics, at: Timestamp) -> ConsoleLine {
        let text = self.stamp(at) + " " + self.paint("stats:", .bold)
            + " \(statistics.connectionsOpen) open (\(statistics.connectionsAccepted) total)"
            + ", \(plural(statistics.readings, "reading")), \(statistics.rejected) rejected"
            + ", \(Self.count(statistics.gaps, "gap")), \(Self.count(statistics.restarts, "restart"))"
            + ", \(Self.describe(bytes: statistics.bytesReceived)) received"
        return ConsoleLine(text)
    }

    /// The summary printed at shutdown, one line per item.
    public func format(_ summary: ServerSummary) -> [ConsoleLine] {
        let statistics = summary.statistics
        let reasons = statistics.rejectedByReason.sorted { $0.key < $1.key }
            .map { "\($0.key.code) \($0.value)" }.joined(separator: ", ")
        let refusals = statistics.refusedByReason.sorted { $0.key < $1.key }
            .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        var lines = [
            self.paint("tcplab serve stopped after \(Self.describe(summary.uptime))", .bold),
            "  devices       \(summary.devices)",
            "  readings      \(statistics.readings)",
            "  rejected      \(statistics.rejected)" + (reasons.isEmpty ? "" : " (\(reasons))"),
            "  gaps          \(statistics.gaps)"
                + (statistics.gaps == 0 ? "" : " (\(plural(statistics.missingReadings, "reading")) never arrived)"),
            "  repeats       \(statistics.repeats)",
            "  restarts      \(statistics.restarts)",
            "  connections   \(statistics.connectionsAccepted) total, \(statistics.connectionsRefused) refused"
                + (refusals.isEmpty ? "" : " (\(refusals))") + ", \(statistics.idleTimeouts) idle timeouts",
            "  received      \(Self.describe(bytes: statistics.bytesReceived))",
        ]
        if statistics.connectionsOpen > 0 { lines.append("  still open    \(statistics.connectionsOpen)") }
        return lines.map { ConsoleLine($0) }
    }

    // MARK: - Pieces

    private func describe(_ continuity: ContinuityEvent) -> String {
        let device = self.paint(continuity.device, .cyan)
        switch continuity.finding {
        case .gap(let expected, let received):
            let missing = continuity.finding.missingReadings
            let range = missing == 1 ? "seq \(expected)" : "seq \(expected)…\(received - 1)"
            return self.paint("! gap", .yellow)
                + " \(device): \(range) never arrived (\(missing) reading\(missing == 1 ? "" : "s") lost before reaching this server)"
        case .repeated(let seq):
            return self.paint("! repeat", .yellow) + " \(device): seq \(seq) arrived again"
        case .restart(let previousSeq, let previousMillis, let seq, let millis):
            return self.paint("! restart", .magenta)
                + " \(device): seq \(previousSeq) → \(seq), up \(Self.fixed(Double(previousMillis) / 1000, decimals: 3)) s"
                + " → \(Self.fixed(Double(millis) / 1000, decimals: 3)) s (the board rebooted)"
        }
    }

    private func stamp(_ time: Timestamp) -> String {
        self.paint("[\(time.localTimeOfDay)]", .dim)
    }

    enum Color: String {
        case bold = "1", dim = "2", red = "31", green = "32", yellow = "33", magenta = "35", cyan = "36"
    }

    func paint(_ text: String, _ color: Color) -> String {
        self.color ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
    }

    static func padLeft(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }

    static func padRight(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// `1 gap`, `2 gaps`.
    static func count(_ value: Int, _ noun: String) -> String {
        "\(value) \(noun)\(value == 1 ? "" : "s")"
    }

    /// `92.015` for (92.015, 3): rounded, no exponent, no Foundation.
    static func fixed(_ value: Double, decimals: Int) -> String {
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int64((value * Double(scale)).rounded())
        let magnitude = scaled.magnitude
        let fraction = String(magnitude % UInt64(scale))
        let sign = scaled < 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(magnitude) }
        return sign + String(magnitude / UInt64(scale)) + "."
            + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    /// `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 03 min`.
    static func describe(_ duration: Duration) -> String {
        let seconds = duration.seconds
        if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
        if seconds < 60 { return fixed(seconds, decimals: 1) + " s" }
        let whole = Int(seconds)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        if whole < 3600 { return "\(whole / 60) min \(two(whole % 60)) s" }
        return "\(whole / 3600) h \(two(whole / 60 % 60)) min"
    }

    /// `512 B`, `45.2 KiB`, `3.1 MiB`.
    static func describe(bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1024 * 1024 { return fixed(Double(bytes) / 1024, decimals: 1) + " KiB" }
        if bytes < 1024 * 1024 * 1024 { return fixed(Double(bytes) / 1024 / 1024, decimals: 1) + " MiB" }
        return fixed(Double(bytes) / 1024 / 1024 / 1024, decimals: 2) + " GiB"
    }
}
