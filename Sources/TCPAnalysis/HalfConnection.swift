import WireFormat

/// What one side of a connection has sent, as seen in the capture (Wireshark's "flow").
public struct HalfConnection: Sendable {
    public let endpoint: Endpoint
    /// The sequence number that relative numbers count from: the ISN when the SYN was seen, else
    /// one before the first sequence number seen (so the first segment is 1, as in Wireshark).
    public internal(set) var base: SequenceNumber?
    public internal(set) var sawSyn = false
    public internal(set) var isn: SequenceNumber?
    /// Options announced in this side's SYN.
    public internal(set) var mss: UInt16?
    public internal(set) var windowScale: UInt8?
    /// False when the SYN's options were cut off (small snaplen): its window scale is then unknown.
    public internal(set) var synOptionsComplete = true
    public internal(set) var sackPermitted = false
    /// The highest sequence number this side has sent up to (exclusive): next byte expected.
    /// Kept by the expert analysis (zero-window probes do not advance it, as in Wireshark).
    public internal(set) var nextSequence: SequenceNumber?
    /// Where this side's FIN sits in its sequence space, once sent.
    public internal(set) var finSequence: SequenceNumber?
    public internal(set) var finAcknowledged = false
    public internal(set) var sentReset = false
    public internal(set) var payloadBytes = 0
    public internal(set) var segments = 0
    /// Segments that carried data (the lab questions' "data segments"; `segments` counts SYN, ACKs and FIN too).
    public internal(set) var dataSegments = 0
    /// The last window field this side sent (unscaled), and the acknowledgement field with it.
    public internal(set) var lastWindow: UInt16?
    public internal(set) var lastAck: SequenceNumber?
    var lastAckTime = 0.0
    var nextSequenceTime = 0.0
    var nextSequenceFrame = 0
    /// The end of the contiguous data seen from this side: an ACK beyond it acks unseen bytes.
    var maxSequenceToBeAcked: SequenceNumber?
    /// Duplicate ACKs in the current series; -1 after an ACK of unseen data (Wireshark's marker).
    var duplicateAckCount = 0
    var lastNonDuplicateAckFrame = 0
    /// The expert flags of this side's previous segment.
    var lastSegmentFlags: AnalysisFlags = []
    /// This side's segments that wait for an ACK: (sequence after the segment, frame, time).
    /// This side's segments that wait for an ACK, in the order sent.
    var unacknowledged: [UnacknowledgedSegment] = []
    /// Bytes the SACK blocks of this side's last segment report received (0 without SACK).
    var sackedBytes = 0
    /// False from a "previous segment not captured" until the peer's next ACK (Wireshark's
    /// `valid_bif`): bytes in flight are unknown across a gap.
    var bytesInFlightKnown = true
    /// Round-trip times measured from ACKs of this side's segments (every `ack_rtt`).
    public internal(set) var roundTrips = RoundTripStatistics()
    /// This side's data and what the peer did about it, added up (the summary's numbers).
    public internal(set) var totals = TransferTotals()
    /// EstimatedRTT, DevRTT and the timeout from the samples Karn's rule keeps.
    public internal(set) var roundTripEstimate = RoundTripEstimator()

    init(endpoint: Endpoint) { self.endpoint = endpoint }

    func relative(_ number: SequenceNumber) -> UInt32 {
        number.relative(to: base ?? number)
    }
}

/// A segment (data, SYN or FIN) the peer has not acknowledged yet, as Wireshark keeps it.
struct UnacknowledgedSegment {
    /// Its first sequence number; moved up by an ACK that covers part of it.
    var start: SequenceNumber
    /// The sequence number after it (a SYN or FIN counts one).
    var end: SequenceNumber
    var frame: Int
    /// When it was sent, in nanoseconds on the tracker's clock (exact round-trip times).
    var clock: Int64
    /// It repeats bytes sent before (Karn's rule then skips the RTT of its ACK).
    var retransmitted: Bool
    var carriesData: Bool
}
