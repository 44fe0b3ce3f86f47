import SensorProtocol
import TCPAnalysis

/// `--summary-only --format json`: one object per connection, the text summary's numbers by name
/// (times in seconds, rates in bits per second; each tally with its count and first frame).
public enum ConnectionSummaryJSON {
    public static func render(_ c: Conversation, into out: inout OutputBuffer) {
        var object = JSONFields()
        object.add("stream", c.index)
        object.add("client", "\(c.client.endpoint)")
        object.add("server", "\(c.server.endpoint)")
        object.add("first_frame", c.firstFrame)
        object.add("last_frame", c.lastFrame)
        object.add("duration", c.duration)
        object.add("handshake_complete", c.handshakeCompleted)
        object.add("initial_rtt", c.initialRoundTrip)
        object.add("ending", endingName(c.ending))
        object.addRaw("client_to_server", direction(sender: c.client))
        object.addRaw("server_to_client", direction(sender: c.server))
        out.append(object.text + "}\n")
    }

    private static func direction(sender: HalfConnection) -> String {
        let totals = sender.totals
        var object = JSONFields()
        object.add("segments", sender.segments)
        object.add("data_segments", sender.dataSegments)
        object.add("bytes", sender.payloadBytes)
        object.add("new_bytes", totals.newBytes)
        object.add("transfer_seconds", totals.transferSeconds)
        object.add("throughput_bps", totals.throughput, decimals: 0)
        for (name, tally) in [("retransmissions", totals.retransmissions), ("fast_retransmissions", totals.fastRetransmissions),
                              ("duplicate_acks", totals.duplicateAcks), ("out_of_order", totals.outOfOrder),
                              ("lost_segments", totals.lostSegments), ("window_full", totals.windowFull),
                              ("zero_windows", totals.zeroWindows)] {
            var entry = JSONFields()
            entry.add("count", tally.count)
            entry.add("first_frame", tally.firstFrame)
            object.addRaw(name, entry.text + "}")
        }
        var rtt = JSONFields()
        let samples = sender.roundTrips, estimate = sender.roundTripEstimate
        rtt.add("samples", samples.count)
        rtt.add("min", samples.count > 0 ? samples.minimum : nil)
        rtt.add("avg", samples.mean)
        rtt.add("max", samples.count > 0 ? samples.maximum : nil)
        rtt.add("counted", estimate.samples)
        rtt.add("estimated", estimate.estimated)
        rtt.add("deviation", estimate.deviation)
        rtt.add("timeout", estimate.timeout)
        object.addRaw("rtt", rtt.text + "}")
        object.add("largest_in_flight", totals.largestInFlight)
        object.add("smallest_window", totals.smallestWindow)
        object.add("window_limited", totals.windowFull.count > 0 || totals.zeroWindows.count > 0)
        var acks = JSONFields()
        acks.add("advancing", totals.advancingAcks)
        acks.add("typical_bytes", totals.typicalAcknowledgedBytes)
        acks.add("covering_two_or_more", totals.acksCoveringSeveral)
        object.addRaw("acks", acks.text + "}")
        return object.text + "}"
    }

    private static func endingName(_ ending: ConnectionEnding) -> String {
        switch ending {
        case .open: "open"
        case .halfClosed: "half-closed"
        case .closed: "closed"
        case .reset: "reset"
        case .refused: "refused"
        }
    }
}

/// A JSON object built key by key (closed by the caller with "}").
private struct JSONFields {
    private(set) var text = "{"

    private mutating func key(_ name: String) {
        if text.count > 1 { text += "," }
        text += "\"\(name)\":"
    }

    mutating func addRaw(_ name: String, _ json: String) { key(name); text += json }
    mutating func add(_ name: String, _ value: Int?) { key(name); text += value.map { "\($0)" } ?? "null" }
    mutating func add(_ name: String, _ value: Bool) { key(name); text += value ? "true" : "false" }
    /// Seconds to the nanosecond, rates to the bit.
    mutating func add(_ name: String, _ value: Double?, decimals: Int = 9) {
        key(name)
        text += value.flatMap { $0.isFinite ? fixed($0, decimals: decimals) : nil } ?? "null"
    }
    mutating func add(_ name: String, _ value: String) {
        key(name)
        text += JSONEscaping.quoted(value)
    }
}
