import WireFormat

/// Wireshark's TCP expert analysis (`tcp.analysis.*`), segment by segment.
///
/// The rules, their order and their thresholds follow `tcp_analyze_sequence_number()` in
/// Wireshark's packet-tcp.c, so a student can check every flag against Wireshark. Their limits are
/// Wireshark's too: they are heuristics over what the capture saw, not what the hosts knew.
/// Sequence numbers are compared in raw (absolute) space, modulo 2^32.
struct ExpertAnalysis {
    struct Result {
        var flags: AnalysisFlags = []
        /// For a duplicate ACK: its number in the series and the frame of the ACK it repeats.
        var duplicateAckNumber = 0
        var duplicateAckFrame = 0
        /// For an ACK: the nanoseconds since the segment it acknowledges, and that segment's frame.
        var ackRoundTripNanoseconds: Int64?
        var ackedFrame: Int?
        /// Data segments of the peer this ACK acknowledged for the first time.
        var coveredDataSegments = 0
        /// What that round-trip time did to the estimate of the segment's sender.
        var roundTripSample: RoundTripSample?
        /// For a data segment: bytes sent and not yet acknowledged, this one included.
        var bytesInFlight: Int?
        /// Seconds since the sender's previous segment.
        var silence: Double?
        /// The peer's last window was 0 when this segment was sent.
        var peerWindowClosed = false
        /// For a retransmission: the frame of the oldest segment still unacknowledged (what is
        /// most likely re-sent, as Wireshark reckons), and the seconds since it (tshark's rto).
        var retransmissionOf: (frame: Int, after: Double)?
    }

    /// `payloadLength` is tshark's `tcp.len`; `receiverShift` is the receiver's window shift, when known.
    static func analyze(_ tcp: TCPHeader, payloadLength: Int, sender: inout HalfConnection,
                        receiver: inout HalfConnection, receiverShift: Int?, initialRoundTrip: Double?,
                        frame: Int, clock: Int64) -> Result {
        let time = Double(clock) / 1e9
        var result = Result()
        if sender.segments > 1 { result.silence = time - sender.lastAckTime }  // counted before the analysis
        result.peerWindowClosed = receiver.lastWindow == 0
        let flags = tcp.flags
        let seq = tcp.sequenceNumber, ack = tcp.acknowledgementNumber
        let window = tcp.window
        let length = payloadLength
        let controlFlags = flags.intersection([.syn, .fin, .rst])

        checks: do {
            // Zero window probe: one byte at the next sequence number while the peer's window is 0.
            if length == 1, let next = sender.nextSequence, seq == next, receiver.lastWindow == 0 {
                result.flags.insert(.zeroWindowProbe)
                break checks
            }
            if window == 0 && controlFlags.isEmpty { result.flags.insert(.zeroWindow) }
            // Previous segment not captured: this one starts beyond everything seen so far.
            if let next = sender.nextSequence, next < seq, !flags.contains(.rst) {
                result.flags.insert(.lostSegment)
            }
            // Keep-alive: zero or one byte, one before the next expected sequence number.
            if length <= 1, let next = sender.nextSequence, seq == next - 1, controlFlags.isEmpty {
                result.flags.insert(.keepAlive)
            }
            let repeatsLastAck = length == 0 && sender.nextSequence == seq && sender.lastAck == ack && controlFlags.isEmpty
            if repeatsLastAck && window != 0 && sender.lastWindow != nil && window != sender.lastWindow {
                result.flags.insert(.windowUpdate)
            }
            // Window full: the data reaches exactly the right edge of the receiver's window.
            if length > 0, controlFlags.isEmpty, let shift = receiverShift, let peerAck = receiver.lastAck,
               let peerWindow = receiver.lastWindow, seq + length == peerAck + (Int(peerWindow) << shift) {
                result.flags.insert(.windowFull)
            }
            if repeatsLastAck && window != 0 && window == sender.lastWindow
                && receiver.lastSegmentFlags.contains(.keepAlive) {
                result.flags.insert(.keepAliveAck)
                break checks
            }
            if length == 0, window == 0, sender.lastWindow == 0, sender.nextSequence == seq,
               sender.lastAck == ack || sender.lastAck.map({ $0 + 1 }) == ack, controlFlags.isEmpty,
               receiver.lastSegmentFlags.contains(.zeroWindowProbe) {
                result.flags.insert(.zeroWindowProbeAck)
                break checks
            }
            if repeatsLastAck && window != 0 && window == sender.lastWindow {
                // -1 marks a series that began after an "ACKed unseen segment" (see below).
                sender.duplicateAckCount = max(sender.duplicateAckCount, 0) + 1
                result.flags.insert(.duplicateAck)
                result.duplicateAckNumber = sender.duplicateAckCount
                result.duplicateAckFrame = sender.lastNonDuplicateAckFrame
            }
        }

        if ack != sender.lastAck {
            sender.lastNonDuplicateAckFrame = frame
            sender.duplicateAckCount = 0
        }

        // ACKed unseen segment: this ACK covers bytes the capture never saw from the peer. Said
        // once per gap, as tshark 4.0 does: when the peer has sent more since, the boundary
        // moves up to it; while it has not, the peer's duplicate-ACK counter, set to -1, holds
        // the flag back until the peer's acknowledgement number changes.
        if flags.contains(.ack), let peerMax = receiver.maxSequenceToBeAcked, peerMax < ack {
            if let peerNext = receiver.nextSequence, peerMax < peerNext {
                receiver.maxSequenceToBeAcked = peerNext
                result.flags.insert(.ackLostSegment)
            } else {
                if receiver.duplicateAckCount == 0 { result.flags.insert(.ackLostSegment) }
                receiver.duplicateAckCount = -1
            }
        }

        if length > 0 || !flags.isDisjoint(with: [.syn, .fin]), !result.flags.contains(.keepAlive) {
            classifyResend(seq: seq, length: length, synOrFin: !flags.isDisjoint(with: [.syn, .fin]), time: time,
                           sender: sender, receiver: receiver, initialRoundTrip: initialRoundTrip, into: &result.flags)
        }

        // Remember the highest sequence number sent (zero-window probes do not count).
        let segmentEnd = seq + length + (flags.isDisjoint(with: [.syn, .fin]) ? 0 : 1)
        if !result.flags.contains(.zeroWindowProbe) {
            if sender.nextSequence.map({ $0 < segmentEnd }) ?? true {
                sender.nextSequence = segmentEnd
                sender.nextSequenceTime = time
                sender.nextSequenceFrame = frame
            }
            if sender.maxSequenceToBeAcked == nil || sender.maxSequenceToBeAcked == seq {
                sender.maxSequenceToBeAcked = sender.nextSequence
            }
        }

        if result.flags.contains(.retransmission) {
            result.retransmissionOf = sender.unacknowledged.first.map { ($0.frame, Double(clock - $0.clock) / 1e9) }
                ?? (sender.nextSequenceFrame, time - sender.nextSequenceTime)
        }
        measureRoundTrip(flags: flags, ack: ack, clock: clock, receiver: &receiver, into: &result)
        if length > 0 || !flags.isDisjoint(with: [.syn, .fin]) {
            if sender.unacknowledged.count == 256 { sender.unacknowledged.removeFirst() }
            let resent = !result.flags.isDisjoint(with: [.retransmission, .spuriousRetransmission])
            sender.unacknowledged.append(UnacknowledgedSegment(start: seq, end: segmentEnd, frame: frame, clock: clock,
                                                               retransmitted: resent, carriesData: length > 0))
        }
        sender.sackedBytes = tcp.sackBlocks.reduce(0) { $0 + $1.0.distance(to: $1.1) }
        if result.flags.contains(.lostSegment) { sender.bytesInFlightKnown = false }
        if flags.contains(.ack) { receiver.bytesInFlightKnown = true }
        if length > 0, sender.bytesInFlightKnown {
            result.bytesInFlight = bytesInFlight(sender: sender, receiver: receiver,
                                                 synOrFin: !flags.isDisjoint(with: [.syn, .fin]))
        }

        sender.lastWindow = window
        sender.lastAck = ack
        sender.lastAckTime = time
        sender.lastSegmentFlags = result.flags
        return result
    }

    /// Retransmission, fast retransmission, spurious retransmission or out-of-order, in
    /// Wireshark's order of checks.
    private static func classifyResend(seq: SequenceNumber, length: Int, synOrFin: Bool, time: Double,
                                       sender: HalfConnection, receiver: HalfConnection,
                                       initialRoundTrip: Double?, into flags: inout AnalysisFlags) {
        let notAdvanced = sender.nextSequence.map { seq < $0 } ?? false
        // Two or more duplicate ACKs asked for exactly this segment within 20 ms: fast retransmit.
        if notAdvanced && receiver.duplicateAckCount >= 2 && receiver.lastAck == seq
            && time - receiver.lastAckTime < 0.020 {
            flags.formUnion([.fastRetransmission, .retransmission])
            return
        }
        // Soon after the highest segment, and not simply a copy of it (a SYN or FIN counts one
        // byte), nor one that starts a byte early: out of order.
        let threshold = initialRoundTrip ?? 0.003
        let copiesHighest = sender.nextSequence == seq + length + (synOrFin ? 1 : 0)
        let startsOneEarly = length > 1 && sender.nextSequence == seq + 1
        if notAdvanced && time - sender.nextSequenceTime < threshold && !copiesHighest && !startsOneEarly {
            flags.insert(.outOfOrder)
            return
        }
        // Everything in it was already acknowledged: the re-send was not needed.
        if length > 0, let peerAck = receiver.lastAck, !(peerAck < seq + length) {
            flags.formUnion([.spuriousRetransmission, .retransmission])
            return
        }
        if notAdvanced { flags.insert(.retransmission) }
    }

    /// Bytes sent and not yet acknowledged, as tshark reckons them: from the lowest to the highest
    /// sequence number of the segments still waiting for an ACK, less what the receiver's last
    /// SACK blocks report received (D-SACK blocks included), and less one for this segment's own
    /// SYN or FIN (tshark counts its length without them). nil when that is not a positive number.
    private static func bytesInFlight(sender: HalfConnection, receiver: HalfConnection, synOrFin: Bool) -> Int? {
        guard var low = sender.unacknowledged.first?.start, var high = sender.unacknowledged.first?.end else { return nil }
        for entry in sender.unacknowledged.dropFirst() {
            if entry.start < low { low = entry.start }
            if high < entry.end { high = entry.end }
        }
        let inFlight = low.distance(to: high) - receiver.sackedBytes - (synOrFin ? 1 : 0)
        return inFlight > 0 ? inFlight : nil
    }

    /// An ACK from the receiver side ends the wait of the sender's segments it covers (in any
    /// order: a retransmission sits after later segments), and moves up the start of one it covers
    /// in part. The round-trip time is that of the first segment sent that it ends exactly (tshark's
    /// `ack_rtt`, measured from the original even when a retransmission followed).
    private static func measureRoundTrip(flags: TCPFlags, ack: SequenceNumber, clock: Int64,
                                         receiver: inout HalfConnection, into result: inout Result) {
        guard flags.contains(.ack), !receiver.unacknowledged.isEmpty else { return }
        var coversResent = false
        receiver.unacknowledged.removeAll { entry in
            guard !(ack < entry.end) else { return false }
            if entry.end == ack && result.ackedFrame == nil {  // the first copy sent, as tshark reports it
                let rtt = Double(clock - entry.clock) / 1e9
                result.ackRoundTripNanoseconds = clock - entry.clock
                result.ackedFrame = entry.frame
                receiver.roundTrips.add(rtt)
            }
            coversResent = coversResent || entry.retransmitted
            if entry.carriesData { result.coveredDataSegments += 1 }
            return true
        }
        for index in receiver.unacknowledged.indices where receiver.unacknowledged[index].start < ack {
            receiver.unacknowledged[index].start = ack
        }
        // Karn's rule: an ACK of bytes sent twice may answer either copy, so it is no sample.
        if let nanoseconds = result.ackRoundTripNanoseconds {
            let rtt = Double(nanoseconds) / 1e9
            result.roundTripSample = coversResent ? .retransmitted(rtt) : .counted(receiver.roundTripEstimate.add(rtt))
        }
    }
}
