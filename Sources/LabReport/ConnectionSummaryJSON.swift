import SensorProtocol
import TCPAnalysis

/// `--summary-only --format json`: one object per connection, the text summary's numbers by name
/// (times in seconds, rates in bits per second; each tally with its count and first frame).
public enum ConnectionSummaryJSON {
    public static func render(_ c: Conversation, into out: inout OutputBuffer) {
        var object = JSONLine()
        object.add("stream", c.index)
        object.add("client", "\(c.client.endpoint)")
        object.add("server", "\(c.server.endpoint)")
        object.add("first_frame", c.firstFrame)
        object.add("last_frame", c.lastFrame)
        object.add("duration", json: seconds(c.duration))
        object.add("handshake_complete", c.handshakeCompleted)
        object.add("initial_rtt", json: seconds(c.initialRoundTrip))
        object.add("ending", endingName(c.ending))
        object.add("client_to_server", json: direction(sender: c.client))
        object.add("server_to_client", json: direction(sender: c.server))
        out.append(object.finished + "\n")
    }

    private static func direction(sender: HalfConnection) -> String {
        let totals = sender.totals
        var object = JSONLine()
        object.add("segments", sender.segments)
        object.add("data_segments", sender.dataSegments)
        object.add("bytes", sender.payloadBytes)
        object.add("new_bytes", totals.newBytes)
        object.add("transfer_seconds", json: seconds(totals.transferSeconds))
        object.add("throughput_bps", json: number(totals.throughput, decimals: 0))
        for (name, tally) in [("retransmissions", totals.retransmissions), ("fast_retransmissions", totals.fastRetransmissions),
                              ("duplicate_acks", totals.duplicateAcks), ("out_of_order", totals.outOfOrder),
                              ("lost_segments", totals.lostSegments), ("window_full", totals.windowFull),
                              ("zero_windows", totals.zeroWindows)] {
            var entry = JSONLine()
            entry.add("count", tally.count)
            entry.add("first_frame", tally.firstFrame)
            object.add(name, json: entry.finished)
        }
        var rtt = JSONLine()
        let samples = sender.roundTrips, estimate = sender.roundTripEstimate
        rtt.add("samples", samples.count)
        rtt.add("min", json: seconds(samples.count > 0 ? samples.minimum : nil))
        rtt.add("avg", json: seconds(samples.mean))
        rtt.add("max", json: seconds(samples.count > 0 ? samples.maximum : nil))
        rtt.add("counted", estimate.samples)
        rtt.add("estimated", json: seconds(estimate.estimated))
        rtt.add("deviation", json: seconds(estimate.deviation))
        rtt.add("timeout", json: seconds(estimate.timeout))
        object.add("rtt", json: rtt.finished)
        object.add("largest_in_flight", totals.largestInFlight)
        object.add("smallest_window", totals.smallestWindow)
        object.add("window_limited", totals.windowFull.count > 0 || totals.zeroWindows.count > 0)
        var acks = JSONLine()
        acks.add("advancing", totals.advancingAcks)
        acks.add("typical_bytes", totals.typicalAcknowledgedBytes)
        acks.add("covering_two_or_more", totals.acksCoveringSeveral)
        object.add("acks", json: acks.finished)
        return object.finished
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

/// Seconds to the nanosecond (`null` for none).
private func seconds(_ value: Double?) -> String { number(value, decimals: 9) }

private func number(_ value: Double?, decimals: Int) -> String {
    value.flatMap { $0.isFinite ? fixed($0, decimals: decimals) : nil } ?? "null"
}
