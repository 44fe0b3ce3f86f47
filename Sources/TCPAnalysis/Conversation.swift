import WireFormat

/// How a connection ended (or had not, when the capture stopped).
public enum ConnectionEnding: Sendable, Equatable {
    case open
    /// Only one side sent a FIN: it can still receive.
    case halfClosed(byClient: Bool)
    /// Both sides sent a FIN; `firstCloserIsClient` says who closed first (and waits in TIME_WAIT).
    case closed(firstCloserIsClient: Bool)
    case reset(byClient: Bool)
    /// The SYN was answered by RST: nothing listened on the port.
    case refused
}

/// One TCP connection: two half-connections and what happened between them.
public final class Conversation {
    /// 0-based, in order of first appearance (tshark's `tcp.stream`).
    public let index: Int
    /// The side that sent the SYN. Without a captured SYN: the side with the higher port (the
    /// ephemeral one), a guess that holds for every client of a server on a well-known port.
    public internal(set) var client: HalfConnection
    public internal(set) var server: HalfConnection
    public let firstTime: Double
    public internal(set) var lastTime: Double
    public internal(set) var firstFrame: Int
    public internal(set) var lastFrame: Int
    public internal(set) var sawSyn = false
    public internal(set) var sawSynAck = false
    public internal(set) var handshakeCompleted = false
    public internal(set) var ending: ConnectionEnding = .open
    var synTime: Double?
    /// From the SYN to the ACK that completes the handshake (Wireshark's `tcp.analysis.initial_rtt`).
    public internal(set) var initialRoundTrip: Double?

    init(index: Int, client: Endpoint, server: Endpoint, time: Double, frame: Int) {
        self.index = index
        self.client = HalfConnection(endpoint: client)
        self.server = HalfConnection(endpoint: server)
        self.firstTime = time
        self.lastTime = time
        self.firstFrame = frame
        self.lastFrame = frame
    }

    public var duration: Double { lastTime - firstTime }

    /// The window shift a side's segments are scaled by: known once both SYNs were seen
    /// (RFC 7323: scaling is on only when both sides offered it), nil before.
    func windowShift(fromClient: Bool) -> Int? {
        guard sawSyn && sawSynAck && client.synOptionsComplete && server.synOptionsComplete else { return nil }
        guard let clientShift = client.windowScale, let serverShift = server.windowScale else { return 0 }
        return Int(min(14, fromClient ? clientShift : serverShift))
    }

    /// Closed for good: a new SYN on the same ports starts a new conversation.
    var isFinished: Bool {
        switch ending {
        case .closed, .reset, .refused: return true
        case .open, .halfClosed: return false
        }
    }
}
