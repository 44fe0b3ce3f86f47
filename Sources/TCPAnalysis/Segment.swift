import WireFormat

/// The three steps of a TCP opening.
public enum HandshakeStep: String, Sendable {
    case syn = "syn"
    case synAck = "syn-ack"
    case ack = "ack"
}

/// What a segment does to the ending of its connection.
public struct TeardownMarks: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The segment carries a FIN.
    public static let fin = TeardownMarks(rawValue: 1)
    /// ... and it is the first FIN of the connection: this side closes first (active close).
    public static let firstFin = TeardownMarks(rawValue: 2)
    /// The segment's ACK covers the peer's FIN for the first time.
    public static let acksPeerFin = TeardownMarks(rawValue: 4)
    /// ... and both FINs are now sent and acknowledged: the last ACK of the closing.
    public static let lastAck = TeardownMarks(rawValue: 8)
    public static let reset = TeardownMarks(rawValue: 16)
    /// An RST answering a SYN: nothing listens on that port.
    public static let refused = TeardownMarks(rawValue: 32)
}

/// One TCP segment as the tracker understood it, in the context of its connection.
public struct Segment: Sendable {
    /// 0-based connection number (tshark's `tcp.stream`).
    public var stream: Int
    /// The connection as it stood after this segment.
    public var connection: ConnectionContext
    /// True when the client (the side that sent the SYN) sent it.
    public var fromClient: Bool
    public var relativeSequence: UInt32
    /// nil when the ACK flag is not set.
    public var relativeAcknowledgement: UInt32?
    /// Relative sequence number after this segment: seq + len (+1 for SYN, +1 for FIN).
    public var nextSequence: UInt32
    /// The window scaled by the sender's negotiated shift; nil while the shift is unknown.
    public var scaledWindow: Int?
    /// The scaling rests on an assumption: the peer's SYN was not captured, so whether it agreed
    /// to window scaling is unknown (tshark assumes it did, and so does tcplab).
    public var windowScaleIsAssumed = false
    public var handshake: HandshakeStep?
    public var teardown: TeardownMarks = []
    /// The first segment seen of a connection whose SYN was not captured.
    public var startsMidConnection = false
    /// A SYN sent again with the same ISN.
    public var repeatsSyn = false
    public var analysis: AnalysisFlags = []
    /// Why the segment was left out of the analysis, as Wireshark leaves it out: then its numbers
    /// are the raw ones (`relativeSequence`, `relativeAcknowledgement`) and its length unknown.
    public var notAnalysed: NotAnalysedReason?
    /// For a duplicate ACK: its number in the series, and the frame of the ACK it repeats.
    public var duplicateAckNumber = 0
    public var duplicateAckFrame = 0
    /// For an ACK that exactly ends a segment of the peer: the time since that segment, and its frame.
    public var ackRoundTripNanoseconds: Int64?
    public var ackRoundTrip: Double? { ackRoundTripNanoseconds.map { Double($0) / 1e9 } }
    public var ackedFrame: Int?
    /// What that round-trip time did to the estimate (EstimatedRTT, DevRTT, timeout) of the
    /// acknowledged side, or why it was not counted.
    public var roundTripSample: RoundTripSample?
    /// For a data segment: bytes sent and not yet acknowledged, this one included.
    public var bytesInFlight: Int?
    /// Seconds since this side's previous segment (nil for its first).
    public var silence: Double?
    /// The other side's window was 0 when this was sent: a keep-alive then is a window probe.
    public var peerWindowClosed = false
    /// For a retransmission: the frame it most likely repeats, and the seconds since (tshark's
    /// `tcp.analysis.rto_frame` and `rto`).
    public var retransmissionOf: (frame: Int, after: Double)?

    /// The base of the receiver's sequence space (what its SACK blocks are relative to).
    public var receiverBase: SequenceNumber? { fromClient ? connection.serverBase : connection.clientBase }
}

/// A TCP header shown but kept out of the analysis (tshark does the same).
public enum NotAnalysedReason: Sendable, Equatable {
    /// Its data offset runs past the IP payload: the header contradicts its packet.
    case malformedHeader
    /// The first fragment of an IP datagram whose fragments are not all in the capture: the
    /// segment's length is unknown.
    case incompleteFragment
}
