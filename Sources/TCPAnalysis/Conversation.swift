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

/// One TCP connection: two half-connections and what happened between them. A value: the
/// tracker keeps the live one and hands out copies (`TCPTracker.conversation(stream:)`).
public struct Conversation: Sendable {
    /// 0-based, in order of first appearance (tshark's `tcp.stream`).
    public let index: Int
    /// The side that sent the SYN. Without a captured SYN: the side with the higher port (the
    /// ephemeral one), a guess that holds for every client of a server on a well-known port.
    public internal(set) var client: HalfConnection
    public internal(set) var server: HalfConnection
    /// Seconds on the tracker's clock (see `TCPTracker.track`): their difference is what counts.
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

    /// A connection first seen at `time` in `frame`, nothing known of it yet.
    public init(index: Int, client: Endpoint, server: Endpoint, time: Double, frame: Int) {
        self.index = index
        self.client = HalfConnection(endpoint: client)
        self.server = HalfConnection(endpoint: server)
        self.firstTime = time
        self.lastTime = time
        self.firstFrame = frame
        self.lastFrame = frame
    }

    public var duration: Double { lastTime - firstTime }

    /// The window shift a side's segments are scaled by, decided as tshark decides it (RFC 7323:
    /// scaling is on only when both SYNs offer it):
    /// - a SYN or SYN-ACK seen without the option: no scaling either way (0);
    /// - both seen with it: the side's own shift;
    /// - only this side's SYN seen, with the option: its shift, on the assumption that the peer
    ///   agreed (`windowScaleIsAssumed` says so);
    /// - otherwise (no SYN seen, or its options cut off by the snapshot length): unknown (nil).
    func windowShift(fromClient: Bool) -> Int? {
        Self.windowShift(own: fromClient ? client : server, peer: fromClient ? server : client)
    }

    /// `windowShift` for the side `own`, whose peer is `peer`.
    static func windowShift(own: HalfConnection, peer: HalfConnection) -> Int? {
        let ownKnown = own.sawSyn && own.synOptionsComplete
        let peerKnown = peer.sawSyn && peer.synOptionsComplete
        if (ownKnown && own.windowScale == nil) || (peerKnown && peer.windowScale == nil) { return 0 }
        guard ownKnown, let shift = own.windowScale else { return nil }
        return Int(min(14, shift))
    }

    /// The shift of `windowShift` rests on the peer's SYN, which the capture lacks.
    func windowScaleIsAssumed(fromClient: Bool) -> Bool {
        Self.windowScaleIsAssumed(own: fromClient ? client : server, peer: fromClient ? server : client)
    }

    static func windowScaleIsAssumed(own: HalfConnection, peer: HalfConnection) -> Bool {
        !(peer.sawSyn && peer.synOptionsComplete) && (windowShift(own: own, peer: peer) ?? 0) > 0
    }

    /// What a segment carries of its connection, as it stands now.
    var context: ConnectionContext {
        let isOver: Bool
        switch ending {
        case .reset, .refused: isOver = true
        case .closed: isOver = client.finAcknowledged && server.finAcknowledged
        case .open, .halfClosed: isOver = false
        }
        return ConnectionContext(client: client.endpoint, server: server.endpoint, clientISN: client.isn,
                                 serverISN: server.isn, clientBase: client.base, serverBase: server.base,
                                 ending: ending, isOver: isOver)
    }

    /// Closed for good: a new SYN on the same ports starts a new conversation.
    var isFinished: Bool {
        switch ending {
        case .closed, .reset, .refused: return true
        case .open, .halfClosed: return false
        }
    }
}

/// The tracker's live conversation: one reference per connection, mutated in place.
final class ConversationBox {
    var value: Conversation
    init(_ value: Conversation) { self.value = value }
}

/// What a segment's connection was when the segment was tracked: plain values, so a segment can
/// be kept, or sent to another thread, without reaching back into the tracker.
public struct ConnectionContext: Sendable, Equatable {
    public var client: Endpoint
    public var server: Endpoint
    public var clientISN: SequenceNumber?
    public var serverISN: SequenceNumber?
    /// The numbers relative sequence numbers count from (the ISN, or one before the first seen).
    public var clientBase: SequenceNumber?
    public var serverBase: SequenceNumber?
    public var ending: ConnectionEnding
    /// Reset, refused, or both FINs acknowledged: no later byte belongs to this connection.
    public var isOver: Bool

    /// What a segment holds while the tracker works on it, before its connection's state is known.
    static let pending = ConnectionContext(
        client: Endpoint(address: .v4(0), port: 0), server: Endpoint(address: .v4(0), port: 0), clientISN: nil,
        serverISN: nil, clientBase: nil, serverBase: nil, ending: .open, isOver: false)
}
