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
    public var handshake: HandshakeStep?
    public var teardown: TeardownMarks = []
    /// The first segment seen of a connection whose SYN was not captured.
    public var startsMidConnection = false
    /// A SYN sent again with the same ISN.
    public var repeatsSyn = false
    public var analysis: AnalysisFlags = []
    /// For a duplicate ACK: its number in the series, and the frame of the ACK it repeats.
    public var duplicateAckNumber = 0
    public var duplicateAckFrame = 0
    /// For an ACK that exactly ends a segment of the peer: the time since that segment, and its frame.
    public var ackRoundTrip: Double?
    public var ackedFrame: Int?
    /// For a data segment: bytes sent and not yet acknowledged, this one included.
    public var bytesInFlight: Int?

    /// The base of the receiver's sequence space (what its SACK blocks are relative to).
    public var receiverBase: SequenceNumber? { fromClient ? connection.serverBase : connection.clientBase }
}

/// Wireshark's `tcp.analysis.*` expert flags (see ExpertAnalysis.swift).
public struct AnalysisFlags: OptionSet, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let retransmission = AnalysisFlags(rawValue: 1 << 0)
    public static let fastRetransmission = AnalysisFlags(rawValue: 1 << 1)
    public static let spuriousRetransmission = AnalysisFlags(rawValue: 1 << 2)
    public static let outOfOrder = AnalysisFlags(rawValue: 1 << 3)
    public static let lostSegment = AnalysisFlags(rawValue: 1 << 4)
    public static let ackLostSegment = AnalysisFlags(rawValue: 1 << 5)
    public static let duplicateAck = AnalysisFlags(rawValue: 1 << 6)
    public static let zeroWindow = AnalysisFlags(rawValue: 1 << 7)
    public static let zeroWindowProbe = AnalysisFlags(rawValue: 1 << 8)
    public static let zeroWindowProbeAck = AnalysisFlags(rawValue: 1 << 9)
    public static let windowFull = AnalysisFlags(rawValue: 1 << 10)
    public static let windowUpdate = AnalysisFlags(rawValue: 1 << 11)
    public static let keepAlive = AnalysisFlags(rawValue: 1 << 12)
    public static let keepAliveAck = AnalysisFlags(rawValue: 1 << 13)

    /// tshark's names, in the JSON contract's order.
    public static let named: [(AnalysisFlags, String)] = [
        (.retransmission, "retransmission"), (.fastRetransmission, "fast_retransmission"),
        (.spuriousRetransmission, "spurious_retransmission"), (.outOfOrder, "out_of_order"),
        (.lostSegment, "lost_segment"), (.ackLostSegment, "ack_lost_segment"),
        (.duplicateAck, "duplicate_ack"), (.zeroWindow, "zero_window"),
        (.zeroWindowProbe, "zero_window_probe"), (.zeroWindowProbeAck, "zero_window_probe_ack"),
        (.windowFull, "window_full"), (.windowUpdate, "window_update"),
        (.keepAlive, "keep_alive"), (.keepAliveAck, "keep_alive_ack"),
    ]

    public var names: [String] { AnalysisFlags.named.compactMap { contains($0.0) ? $0.1 : nil } }
}
