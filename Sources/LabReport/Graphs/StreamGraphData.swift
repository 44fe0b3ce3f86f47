import TCPAnalysis
import WireFormat

/// The graphs Wireshark draws for one TCP connection and one direction (Statistics → TCP Stream
/// Graphs), as data: time-sequence (Stevens and tcptrace), round-trip time, throughput and goodput,
/// window and bytes in flight, and the phases tcplab reads from the capture. Built by
/// `StreamGraphBuilder`; drawn by `SVGGraphRenderer`, written by `GraphCSV`.
///
/// Times are seconds since the capture's first frame, sequence and acknowledgement numbers
/// relative (as `tcplab read` and the ladder show them), windows and flights in bytes.
public struct StreamGraphs: Sendable {
    public var stream: Int
    public var client: Endpoint
    public var server: Endpoint
    /// The data sender is the client (the side that sent the SYN).
    public var senderIsClient: Bool
    public var timeOriginFrame: Int
    /// The sliding window of the throughput graph, seconds.
    public var windowSeconds: Double
    /// One mark per data segment of the sender.
    public var segments: [SequenceMark]
    /// The receiver's acknowledgements and the right edge of its window (ack + window).
    public var acks: [AckPoint]
    public var roundTrips: [RoundTripPoint]
    public var rates: [RatePoint]
    public var windows: [WindowPoint]
    public var phases: [GraphPhase]
    /// The sender's kernel's own view of the connection, when its TCP_INFO was recorded
    /// (`tcplab device --bulk --tcp-info`): drawn over the window and RTT graphs.
    public var kernel: [KernelPoint] = []
    /// The first frame's capture time, seconds since the epoch: what `time` counts from.
    public var timeOrigin = 0.0

    public var sender: Endpoint { senderIsClient ? client : server }
    public var receiver: Endpoint { senderIsClient ? server : client }
    public var directionName: String { senderIsClient ? "client" : "server" }

    /// "Stream 0: client 10.55.0.2:58844 → server 10.55.0.1:5050 (data from the client)".
    public var title: String {
        "Stream \(stream): \(directionName) \(sender) → \(senderIsClient ? "server" : "client") \(receiver)"
    }

    /// From the first point of any series to the last (the x axis of every graph).
    public var timeRange: ClosedRange<Double> {
        let times = segments.map(\.time) + acks.map(\.time) + roundTrips.map(\.time) + windows.map(\.time) + kernel.map(\.time)
        guard let low = times.min(), let high = times.max() else { return 0...1 }
        return low...high
    }
}

/// How a data segment relates to what was sent before it (the colour and shape of its mark).
public enum SequenceMarkKind: String, Sendable, CaseIterable {
    case new = "new"
    case retransmission = "retransmission"
    case fastRetransmission = "fast-retransmission"
    case outOfOrder = "out-of-order"
    /// Bytes before it were not captured (tshark's "previous segment not captured").
    case afterGap = "after-gap"

    /// The expert flags decide, the most telling first.
    init(_ flags: AnalysisFlags) {
        if flags.contains(.fastRetransmission) { self = .fastRetransmission }
        else if flags.contains(.retransmission) || flags.contains(.spuriousRetransmission) { self = .retransmission }
        else if flags.contains(.outOfOrder) { self = .outOfOrder }
        else if flags.contains(.lostSegment) { self = .afterGap }
        else { self = .new }
    }

    public var label: String {
        switch self {
        case .new: "new data"
        case .retransmission: "retransmission"
        case .fastRetransmission: "fast retransmission"
        case .outOfOrder: "out of order"
        case .afterGap: "after a gap (earlier bytes not captured)"
        }
    }

    public var isRetransmission: Bool { self == .retransmission || self == .fastRetransmission }
}

public struct SequenceMark: Sendable, Equatable {
    public var time: Double
    public var frame: Int
    /// Relative sequence number of the first byte, and of the byte after the last.
    public var sequence: Int
    public var end: Int
    public var kind: SequenceMarkKind
    public var length: Int { end - sequence }
}

public struct AckPoint: Sendable, Equatable {
    public var time: Double
    public var frame: Int
    public var acknowledgement: Int
    /// The receive window's right edge, ack + scaled window (nil while the scale is unknown).
    public var windowEdge: Int?
}

/// One ACK's round-trip time (tshark's `ack_rtt`), and the sender's estimate after it.
public struct RoundTripPoint: Sendable, Equatable {
    public var time: Double
    public var frame: Int
    /// The data segment it acknowledges.
    public var ackedFrame: Int?
    /// SampleRTT, seconds.
    public var sample: Double
    /// False when Karn's rule skips it (the bytes were sent more than once).
    public var counted: Bool
    /// EstimatedRTT and TimeoutInterval (EstimatedRTT + 4·DevRTT) after a counted sample.
    public var estimated: Double?
    public var timeout: Double?
}

/// Throughput (every data byte the sender put on the wire, retransmissions too) and goodput (new
/// bytes only) over the `windowSeconds` that end at `time`, in bits per second.
public struct RatePoint: Sendable, Equatable {
    public var time: Double
    public var throughput: Double
    public var goodput: Double
}

/// The receiver's advertised window (from its segments) or the sender's bytes in flight (from
/// its data segments, tshark's `bytes_in_flight`): one of the two per point.
public struct WindowPoint: Sendable, Equatable {
    public var time: Double
    public var frame: Int
    public var receiverWindow: Int?
    public var bytesInFlight: Int?
}

/// A stretch of the connection as tcplab reads it from the capture (see `GraphPhaseReader`).
public struct GraphPhase: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case slowStart = "slow-start"
        case fastRecovery = "fast-recovery"
        case timeoutRecovery = "timeout"
        case otherRecovery = "early-retransmission"
        case congestionAvoidance = "congestion-avoidance"
        /// Flow control, not congestion control: it overlaps the phases above.
        case zeroWindow = "zero-window"

        public var label: String {
            switch self {
            case .slowStart: "slow start"
            case .fastRecovery: "fast retransmit & recovery"
            case .timeoutRecovery: "timeout (RTO), slow start again"
            case .otherRecovery: "early retransmission (tail loss probe)"
            case .congestionAvoidance: "congestion avoidance"
            case .zeroWindow: "zero window (receiver full)"
            }
        }
    }

    public var kind: Kind
    public var start: Double
    public var end: Double
    /// The frame that starts it: the first data segment, the retransmission, or the ACK that ends a recovery.
    public var startFrame: Int
}

/// One TCP_INFO sample of the sender's kernel, on the capture's time axis: what no capture shows.
public struct KernelPoint: Sendable, Equatable {
    /// Seconds since the capture's first frame (the sample's wall-clock time, which pcap uses too).
    public var time: Double
    /// `open`, `disorder`, `cwr`, `recovery` or `loss` (tcpi_ca_state).
    public var state: String
    /// cwnd × MSS, bytes.
    public var congestionWindow: Int
    /// ssthresh × MSS, bytes; nil while infinite (before the first loss).
    public var slowStartThreshold: Int?
    /// The kernel's smoothed RTT, seconds.
    public var smoothedRTT: Double

    public init(time: Double, state: String, congestionWindow: Int, slowStartThreshold: Int?, smoothedRTT: Double) {
        self.time = time
        self.state = state
        self.congestionWindow = congestionWindow
        self.slowStartThreshold = slowStartThreshold
        self.smoothedRTT = smoothedRTT
    }
}
