import SensorProtocol
import TCPAnalysis

/// One direction's totals in words, for the text summary: throughput with its definition, what
/// went wrong and where first, the RTT estimate, the receiver's window, and its ACKs.
enum TransferText {
    static func lines(sender: HalfConnection, receiver: HalfConnection, name: String, peer: String) -> [String] {
        let totals = sender.totals
        var lines: [String] = []

        var transfer = "transfer    \(grouped(totals.newBytes)) new bytes"
        if let seconds = totals.transferSeconds, let rate = totals.throughput {
            transfer += " in \(fixed(seconds, decimals: 3)) s: throughput \(bitRate(rate))"
                + " (new bytes ÷ time from the first data byte to the ACK that covered the last)"
        } else if totals.firstDataTime != nil {
            transfer += "; throughput unknown: the ACK of the last data byte is not in the capture"
        }
        lines.append(transfer)

        func tally(_ t: TransferTotals.Tally, _ noun: String) -> String {
            plural(t.count, noun) + (t.firstFrame.map { " (first frame \($0))" } ?? "")
        }
        lines.append("trouble     " + [tally(totals.retransmissions, "retransmission"),
                                      "\(tally(totals.fastRetransmissions, "fast retransmission"))",
                                      tally(totals.duplicateAcks, "duplicate ACK"),
                                      "\(tally(totals.outOfOrder, "segment")) out of order",
                                      "\(tally(totals.lostSegments, "gap")) the capture missed"].joined(separator: ", "))

        let rtts = sender.roundTrips
        if let mean = rtts.mean {
            var rtt = "RTT         \(plural(rtts.count, "sample")) min/avg/max \(Milliseconds.text(rtts.minimum)) / "
                + "\(Milliseconds.text(mean)) / \(Milliseconds.text(rtts.maximum))"
            let estimate = sender.roundTripEstimate
            if let estimated = estimate.estimated, let deviation = estimate.deviation, let timeout = estimate.timeout {
                rtt += "; at the end EstimatedRTT \(Milliseconds.text(estimated)), DevRTT \(Milliseconds.text(deviation)),"
                    + " TimeoutInterval \(Milliseconds.text(timeout)) (\(plural(estimate.samples, "sample")) counted"
                    + (rtts.count > estimate.samples ? ", \(rtts.count - estimate.samples) left out by Karn's rule)" : ")")
            }
            lines.append(rtt)
        }

        lines.append("window      " + windowText(totals, peer: peer))

        let acks = totals.advancingAcks
        if acks > 0, let typical = totals.typicalAcknowledgedBytes {
            lines.append("ACKs        \(plural(acks, "ACK")) from the \(peer) moved the acknowledgement forward, most of them by "
                         + "\(plural(typical, "byte")); \(totals.acksCoveringSeveral) covered two or more segments at once (delayed ACKs)")
        }
        return lines
    }

    /// Whether the receiver's window ever held the sender back, in one sentence.
    private static func windowText(_ totals: TransferTotals, peer: String) -> String {
        var text = "most in flight \(plural(totals.largestInFlight, "byte"))"
        if let smallest = totals.smallestWindow { text += "; smallest window the \(peer) advertised \(plural(smallest, "byte"))" }
        if totals.zeroWindows.count > 0 || totals.windowFull.count > 0 {
            var reasons: [String] = []
            if totals.windowFull.count > 0 {
                reasons.append("\(plural(totals.windowFull.count, "segment")) filled its window (first frame \(totals.windowFull.firstFrame!))")
            }
            if totals.zeroWindows.count > 0 {
                reasons.append("it advertised a zero window \(plural(totals.zeroWindows.count, "time")) (first frame \(totals.zeroWindows.firstFrame!))")
            }
            return text + ". Limited by the \(peer)'s window: " + reasons.joined(separator: ", and ") + "."
        }
        return text + ". Never limited by the \(peer)'s window: no segment filled it and it never closed."
    }

    /// "12,345".
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return (value < 0 ? "-" : "") + result
    }

    /// "972.6 kbit/s", "4.12 Mbit/s".
    static func bitRate(_ bitsPerSecond: Double) -> String {
        if bitsPerSecond >= 1e9 { return fixed(bitsPerSecond / 1e9, decimals: 2) + " Gbit/s" }
        if bitsPerSecond >= 1e6 { return fixed(bitsPerSecond / 1e6, decimals: 2) + " Mbit/s" }
        if bitsPerSecond >= 1e3 { return fixed(bitsPerSecond / 1e3, decimals: 1) + " kbit/s" }
        return fixed(bitsPerSecond, decimals: 0) + " bit/s"
    }
}
