import WireFormat

/// One direction of a connection added up, for the summary: what went wrong, how fast the data
/// went, and what the receiver's window and ACKs did. Kept by the tracker as segments arrive, in
/// the half-connection of the side that sends the data.
public struct TransferTotals: Sendable {
    /// How often something happened, and the frame it first happened in.
    public struct Tally: Sendable, Equatable {
        public private(set) var count = 0
        public private(set) var firstFrame: Int?

        mutating func add(frame: Int) {
            count += 1
            if firstFrame == nil { firstFrame = frame }
        }
    }

    // The sender's segments.
    public internal(set) var retransmissions = Tally()
    public internal(set) var fastRetransmissions = Tally()
    public internal(set) var outOfOrder = Tally()
    /// "Previous segment not captured": bytes the capture missed.
    public internal(set) var lostSegments = Tally()
    /// Segments that filled the receiver's window to its edge.
    public internal(set) var windowFull = Tally()
    /// The most bytes in flight after any one segment.
    public internal(set) var largestInFlight = 0

    // The receiver's segments, about this direction's data.
    public internal(set) var duplicateAcks = Tally()
    public internal(set) var zeroWindows = Tally()
    /// The smallest window the receiver advertised after its SYN, scaled (nil: none known).
    public internal(set) var smallestWindow: Int?
    /// ACKs that moved the acknowledgement number forward: bytes acknowledged → how many ACKs.
    public internal(set) var acknowledgedBytes: [Int: Int] = [:]
    /// ACKs that covered two or more data segments at once (a delayed ACK's signature).
    public internal(set) var acksCoveringSeveral = 0

    // The data-transfer period.
    public internal(set) var firstDataTime: Double?
    public internal(set) var lastDataTime: Double?
    /// The ACK that covered every data byte sent, after the last data segment (nil: never seen).
    public internal(set) var allAcknowledgedTime: Double?
    var firstDataSequence: SequenceNumber?
    var dataEnd: SequenceNumber?

    /// Bytes sent for the first time (retransmitted copies not counted).
    public var newBytes: Int {
        guard let first = firstDataSequence, let end = dataEnd else { return 0 }
        return first.distance(to: end)
    }

    /// From the first data byte to the ACK that covered the last, in seconds (nil: no data, or its
    /// last byte was never acknowledged in the capture).
    public var transferSeconds: Double? {
        guard let start = firstDataTime, let end = allAcknowledgedTime, let last = lastDataTime, end >= last else { return nil }
        return end - start
    }

    /// New bytes per second over the transfer period, in bits per second.
    public var throughput: Double? {
        guard let seconds = transferSeconds, seconds > 0 else { return nil }
        return Double(newBytes) * 8 / seconds
    }

    /// How many ACKs moved the acknowledgement forward.
    public var advancingAcks: Int { acknowledgedBytes.values.reduce(0, +) }

    /// The number of bytes most ACKs acknowledged (the mode; the smaller on a tie).
    public var typicalAcknowledgedBytes: Int? {
        acknowledgedBytes.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key
    }

    /// The sender sent a data segment (`analysis` already decided).
    mutating func recordSent(seq: SequenceNumber, length: Int, analysis: AnalysisFlags, bytesInFlight: Int?,
                             time: Double, frame: Int) {
        if analysis.contains(.retransmission) { retransmissions.add(frame: frame) }
        if analysis.contains(.fastRetransmission) { fastRetransmissions.add(frame: frame) }
        if analysis.contains(.outOfOrder) { outOfOrder.add(frame: frame) }
        if analysis.contains(.lostSegment) { lostSegments.add(frame: frame) }
        if analysis.contains(.windowFull) { windowFull.add(frame: frame) }
        guard length > 0 else { return }
        largestInFlight = max(largestInFlight, bytesInFlight ?? 0)
        if firstDataTime == nil { firstDataTime = time; firstDataSequence = seq }
        lastDataTime = time
        let end = seq + length
        if dataEnd.map({ $0 < end }) ?? true { dataEnd = end }
    }

    /// The receiver sent a segment: its ACK, window and flags, as they concern this direction.
    mutating func recordReceived(ack: SequenceNumber?, advance: Int, coveredDataSegments: Int, window: Int?,
                                 isSyn: Bool, analysis: AnalysisFlags, time: Double, frame: Int) {
        if analysis.contains(.duplicateAck) { duplicateAcks.add(frame: frame) }
        if analysis.contains(.zeroWindow) { zeroWindows.add(frame: frame) }
        if !isSyn, let window { smallestWindow = min(smallestWindow ?? window, window) }
        if advance > 0 {
            acknowledgedBytes[advance, default: 0] += 1
            if coveredDataSegments >= 2 { acksCoveringSeveral += 1 }
        }
        if let ack, let end = dataEnd, !(ack < end), let last = lastDataTime,
           allAcknowledgedTime.map({ $0 < last }) ?? true {
            allAcknowledgedTime = time
        }
    }
}
