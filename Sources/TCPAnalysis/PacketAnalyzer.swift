import WireFormat

/// One frame of a capture after decoding and tracking: what the renderers show.
public struct AnalyzedPacket: Sendable {
    /// 1-based frame number (every packet counts, TCP or not).
    public var frame: Int
    /// Capture time, seconds since the epoch.
    public var seconds: Int
    public var nanoseconds: Int
    public var packet: Packet
    /// Present for TCP segments (not for non-first IP fragments).
    public var segment: Segment?
    /// Explanations added by later stages (e.g. which readings the segment carries); the
    /// renderers show them after the packet's own.
    public var notes: [String] = []

    public var time: Double { Double(seconds) + Double(signedNanoseconds) / 1e9 }

    /// The record's fraction field as tshark reads it: a signed 32-bit count of nanoseconds.
    public var signedNanoseconds: Int { Int(Int32(truncatingIfNeeded: nanoseconds)) }

    /// A fraction of a second below one second: false for a damaged or forged record.
    public var hasValidTimestamp: Bool { (0..<1_000_000_000).contains(nanoseconds) }
}

/// Decodes and tracks frames in order: the one path from captured bytes to annotated packets,
/// shared by `read`, `capture`, the labs and the demo.
public final class PacketAnalyzer {
    /// Decodes with the link type of the last frame: a pcapng file may change it from one frame to
    /// the next (each interface has its own).
    public private(set) var decoder: DefragmentingDecoder
    private var decoderLinkType: Int32?
    public let tracker: TCPTracker
    /// Frames seen, TCP or not.
    public private(set) var frames = 0
    public private(set) var firstTime: Double?
    /// The tracker's clock counts nanoseconds from the first frame's whole second: an epoch time
    /// as a Double is only good to a quarter of a microsecond, and round-trip times are
    /// differences of two, which tshark gives to the nanosecond.
    private var clockOrigin: Int?

    /// `linkType`: how to decode frames that do not say theirs (see `analyze`).
    public init(linkType: LinkType = .ethernet, keepHistory: Bool = true) {
        decoder = DefragmentingDecoder(linkType: linkType)
        tracker = TCPTracker(keepHistory: keepHistory)
    }

    /// `linkType` is the frame's libpcap DLT number (nil: the last one given, or the initial link
    /// type). `bytes` is only read during the call; `wireLength` is the packet's length on the wire.
    public func analyze(frame: Int, seconds: Int, nanoseconds: Int, linkType: Int32? = nil,
                        bytes: UnsafeRawBufferPointer, wireLength: Int? = nil) -> AnalyzedPacket {
        if let linkType, linkType != decoderLinkType {
            decoder.linkType = LinkType(dlt: linkType)
            decoderLinkType = linkType
        }
        frames += 1
        let packet = decoder.decode(bytes, frame: frame, wireLength: wireLength)
        var result = AnalyzedPacket(frame: frame, seconds: seconds, nanoseconds: nanoseconds, packet: packet)
        if firstTime == nil { firstTime = result.time; clockOrigin = seconds }
        // ±290 years at most: a damaged timestamp must not overflow the clock.
        let sinceOrigin = Int64(clamping: seconds.subtractingReportingOverflow(clockOrigin!).partialValue)
        let clock = max(-9_000_000_000, min(9_000_000_000, sinceOrigin)) * 1_000_000_000 + Int64(result.signedNanoseconds)
        if let tcp = packet.tcp, let source = packet.sourceAddress, let destination = packet.destinationAddress {
            let malformed = packet.error.map { $0.kind == .malformed && $0.layer == "TCP" && $0.field == "data offset" } ?? false
            // A fragment still marked here is one the reassembler could not take (its bytes are not all there).
            let reason: NotAnalysedReason? = malformed ? .malformedHeader : packet.isIPFragment ? .incompleteFragment : nil
            result.segment = tracker.track(tcp, from: source, to: destination, payloadLength: packet.payloadLength,
                                           clock: clock, frame: frame, notAnalysed: reason)
        }
        return result
    }
}
