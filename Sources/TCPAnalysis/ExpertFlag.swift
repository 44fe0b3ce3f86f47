/// One of Wireshark's TCP expert flags (`tcp.analysis.*`): its tshark name, a short label (the
/// ladder's note) and a plain-language explanation (the annotated text). Adding a flag is a case
/// here, whose switches are exhaustive, and its rule in `ExpertAnalysis`.
public enum ExpertFlag: Int, CaseIterable, Sendable {
    // In the JSON contract's order (DESIGN.md), which is also the order they are shown in.
    case retransmission, fastRetransmission, spuriousRetransmission, outOfOrder, lostSegment, ackLostSegment
    case duplicateAck, zeroWindow, zeroWindowProbe, zeroWindowProbeAck, windowFull, windowUpdate
    case keepAlive, keepAliveAck

    /// The name after `tcp.analysis.` in tshark.
    public var tsharkName: String {
        switch self {
        case .retransmission: "retransmission"
        case .fastRetransmission: "fast_retransmission"
        case .spuriousRetransmission: "spurious_retransmission"
        case .outOfOrder: "out_of_order"
        case .lostSegment: "lost_segment"
        case .ackLostSegment: "ack_lost_segment"
        case .duplicateAck: "duplicate_ack"
        case .zeroWindow: "zero_window"
        case .zeroWindowProbe: "zero_window_probe"
        case .zeroWindowProbeAck: "zero_window_probe_ack"
        case .windowFull: "window_full"
        case .windowUpdate: "window_update"
        case .keepAlive: "keep_alive"
        case .keepAliveAck: "keep_alive_ack"
        }
    }

    /// Whether this flag is worth a note on a segment that carries `flags`: tshark sets
    /// `retransmission` beside `fast_retransmission` and `spurious_retransmission`, which say
    /// more, so the plain one is then left unsaid.
    public func isShown(among flags: AnalysisFlags) -> Bool {
        self != .retransmission || flags.isDisjoint(with: [.fastRetransmission, .spuriousRetransmission])
    }

    /// A few words, for the ladder.
    public func label(_ segment: Segment) -> String {
        switch self {
        case .retransmission: "retransmission"
        case .fastRetransmission: "fast retransmission"
        case .spuriousRetransmission: "spurious retransmission"
        case .outOfOrder: "out of order"
        case .lostSegment: "previous segment not captured"
        case .ackLostSegment: "ACKs a segment not captured"
        case .duplicateAck: "dup ACK #\(segment.duplicateAckNumber) of frame \(segment.duplicateAckFrame)"
        case .zeroWindow: "zero window"
        case .zeroWindowProbe: "zero window probe"
        case .zeroWindowProbeAck: "zero window probe ACK"
        case .windowFull: "window full"
        case .windowUpdate: "window update"
        case .keepAlive: "keep-alive"
        case .keepAliveAck: "keep-alive ACK"
        }
    }

    /// A sentence, for the annotated text.
    public func explanation(_ segment: Segment) -> String {
        let sender = segment.fromClient ? "client" : "server"
        return switch self {
        case .retransmission:
            Self.retransmission(segment, sender: sender)
        case .fastRetransmission:
            "Fast retransmission: the \(sender) re-sends after duplicate ACKs told it a segment was lost, without waiting for the timer (RFC 5681)."
        case .spuriousRetransmission:
            "Spurious retransmission: these bytes had already been acknowledged; the re-send was not needed."
        case .outOfOrder:
            "Out of order: this segment arrives after a later one; the receiver holds it until the gap is filled."
        case .lostSegment:
            "Previous segment not captured: bytes before this one are missing from the capture (lost on the way, or just not seen)."
        case .ackLostSegment:
            "ACKed unseen segment: this ACK covers bytes the capture never saw."
        case .duplicateAck:
            "Duplicate ACK #\(segment.duplicateAckNumber) of frame \(segment.duplicateAckFrame): the \(sender) repeats the same ack; it received something after a gap and still waits for the missing bytes. Three in a row trigger a fast retransmission."
        case .zeroWindow:
            "Zero window: the \(sender)'s receive buffer is full; the other side must stop sending until the window opens (flow control)."
        case .zeroWindowProbe:
            "Zero window probe: the \(sender) tests whether the closed window has opened, with one byte."
        case .zeroWindowProbeAck:
            "Zero window probe ACK: the answer to a probe; the window is still closed."
        case .windowFull:
            "Window full: this segment fills the receiver's advertised window; the \(sender) must wait for an ACK before sending more."
        case .windowUpdate:
            "Window update: only the window changed; the \(sender) tells the other side it may send again."
        case .keepAlive:
            Self.keepAlive(segment, sender: sender)
        case .keepAliveAck:
            "Keep-alive ACK: the peer is still there."
        }
    }
}

extension ExpertFlag {
    /// What re-sent it, told by how long after the original it came.
    static func retransmission(_ segment: Segment, sender: String) -> String {
        guard let (frame, after) = segment.retransmissionOf else {
            return "Retransmission: the \(sender) sends bytes it has sent before; no ACK came back for them in time."
        }
        let when = Self.duration(after) + " before, in frame \(frame)"
        // A retransmission timer waits at least 200 ms on Linux (1 s by RFC 6298, lwIP too).
        if after < 0.2 {
            return "Retransmission: the \(sender) sends again bytes it sent \(when), no ACK having come: too soon for "
                + "its retransmission timer (at least 200 ms on Linux). A tail loss probe (RFC 8985) or an early retransmit "
                + "re-sends this early, after about two round trips without an ACK."
        }
        return "Retransmission: the \(sender) sends again bytes it sent \(when); no ACK came back for them, and its "
            + "retransmission timer (RTO) ran out."
    }

    /// "90 µs", "28 ms", "7.5 s".
    static func duration(_ seconds: Double) -> String {
        if seconds < 0.001 { return "\(Int((seconds * 1_000_000).rounded())) µs" }
        if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
        let tenths = Int((seconds * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) s"
    }

    /// A probe after a silence, or the same segment probing a closed window.
    static func keepAlive(_ segment: Segment, sender: String) -> String {
        let silence = segment.silence.map { " after " + Self.duration($0) + " of silence" } ?? ""
        if segment.peerWindowClosed {
            return "Zero window probe, in keep-alive form: the peer's window is closed, and\(silence) the \(sender) asks, "
                + "with a segment one byte before the next (no new data), whether it has opened (Linux probes a closed window this way; tshark "
                + "calls it a keep-alive too). A keep-alive proper comes on an idle connection with an open window."
        }
        return "Keep-alive:\(silence) the \(sender) checks that the peer still exists (one old byte, or none). "
            + "A board that lost power will not answer."
    }
}

/// The expert flags of one segment: a set of `ExpertFlag`s, one bit each.
public struct AnalysisFlags: OptionSet, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ flag: ExpertFlag) { rawValue = 1 << flag.rawValue }

    public static let retransmission = AnalysisFlags(.retransmission)
    public static let fastRetransmission = AnalysisFlags(.fastRetransmission)
    public static let spuriousRetransmission = AnalysisFlags(.spuriousRetransmission)
    public static let outOfOrder = AnalysisFlags(.outOfOrder)
    public static let lostSegment = AnalysisFlags(.lostSegment)
    public static let ackLostSegment = AnalysisFlags(.ackLostSegment)
    public static let duplicateAck = AnalysisFlags(.duplicateAck)
    public static let zeroWindow = AnalysisFlags(.zeroWindow)
    public static let zeroWindowProbe = AnalysisFlags(.zeroWindowProbe)
    public static let zeroWindowProbeAck = AnalysisFlags(.zeroWindowProbeAck)
    public static let windowFull = AnalysisFlags(.windowFull)
    public static let windowUpdate = AnalysisFlags(.windowUpdate)
    public static let keepAlive = AnalysisFlags(.keepAlive)
    public static let keepAliveAck = AnalysisFlags(.keepAliveAck)

    public func contains(_ flag: ExpertFlag) -> Bool { contains(AnalysisFlags(flag)) }

    /// The flags set, in the contract's order.
    public var flags: [ExpertFlag] { ExpertFlag.allCases.filter { contains($0) } }

    /// The flags worth a note (see `ExpertFlag.isShown`).
    public var shown: [ExpertFlag] { flags.filter { $0.isShown(among: self) } }

    /// tshark's names, in the contract's order.
    public var names: [String] { flags.map(\.tsharkName) }
}
