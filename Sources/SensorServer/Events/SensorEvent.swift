import SensorProtocol

/// Everything the server has to say, in the order it happened on each connection.
/// Sinks receive these on the connection's event loop (see `SensorEventSink`).
public enum SensorEvent: Sendable {
    /// A board connected; `openConnections` includes it.
    case connected(peer: String, at: Timestamp, openConnections: Int)
    /// A connection the kernel accepted and the server closed at once (limits, `--allow`).
    /// Refusals are reported at a bounded rate; `unreportedBefore` counts those left out since the
    /// previous report (all are counted in the statistics).
    case refused(peer: String, at: Timestamp, reason: ConnectionRefusal, unreportedBefore: Int = 0)
    /// The board sent `HELLO <name>`: from now on it is known by that name.
    case named(peer: String, device: String, line: Int, at: Timestamp)
    case reading(ReceivedReading)
    case rejected(RejectedLine)
    case continuity(ContinuityEvent)
    case disconnected(Disconnection)
}

/// A valid reading and where it came from.
public struct ReceivedReading: Sendable, Hashable {
    public var received: Timestamp
    /// `ip:port` of the board's end of the connection (`[ip]:port` for IPv6).
    public var peer: String
    /// The `HELLO` name, or the peer address for a board that sent none.
    public var device: String
    /// 1-based line number within this connection (every framed line counts).
    public var line: Int
    public var reading: SensorReading

    public init(received: Timestamp, peer: String, device: String, line: Int, reading: SensorReading) {
        self.received = received
        self.peer = peer
        self.device = device
        self.line = line
        self.reading = reading
    }
}

/// A line the server could not use, and why.
public struct RejectedLine: Sendable, Hashable {
    public var received: Timestamp
    public var peer: String
    public var device: String
    public var line: Int
    public var reason: RejectionReason
    /// For a person: what was expected and what was found.
    public var message: String
    /// Rejected lines of this connection since the previous report that were counted but not
    /// reported one by one (a flood of bad lines is reported at a bounded rate).
    public var unreportedBefore = 0

    public init(received: Timestamp, peer: String, device: String, line: Int, reason: RejectionReason, message: String) {
        self.received = received
        self.peer = peer
        self.device = device
        self.line = line
        self.reason = reason
        self.message = message
    }
}

/// The parser's reason codes plus the two the framer adds.
public enum RejectionReason: Sendable, Hashable, Comparable, CustomStringConvertible {
    case parse(SensorParseError.Reason)
    /// Longer than `--max-line`: thrown away up to the next newline.
    case lineTooLong
    /// The connection ended before the line's newline arrived.
    case partialLine

    /// The machine code: `bad-temperature`, `line-too-long`, `partial-line`, ...
    public var code: String {
        switch self {
        case .parse(let reason): return reason.rawValue
        case .lineTooLong: return "line-too-long"
        case .partialLine: return "partial-line"
        }
    }

    public var description: String { self.code }

    public static func < (lhs: RejectionReason, rhs: RejectionReason) -> Bool { lhs.code < rhs.code }
}

/// Why a connection ended.
public enum DisconnectReason: Sendable, Hashable, CustomStringConvertible {
    /// The board closed its end (FIN).
    case peerClosed
    /// The board reset the connection (RST), e.g. it rebooted or was unplugged mid-connection.
    case reset
    /// Nothing arrived for the idle timeout.
    case idleTimeout
    /// The server was shutting down.
    case serverShutdown
    /// Any other I/O error (closes only this connection).
    case error(String)

    /// Machine code for JSON output: `peer-closed`, `reset`, `idle-timeout`, `server-shutdown`, `error`.
    public var code: String {
        switch self {
        case .peerClosed: return "peer-closed"
        case .reset: return "reset"
        case .idleTimeout: return "idle-timeout"
        case .serverShutdown: return "server-shutdown"
        case .error: return "error"
        }
    }

    public var description: String {
        switch self {
        case .peerClosed: return "closed by the board"
        case .reset: return "reset by the board"
        case .idleTimeout: return "idle timeout"
        case .serverShutdown: return "server shutting down"
        case .error(let text): return "error: \(text)"
        }
    }
}

/// The end of one connection, with what it delivered.
public struct Disconnection: Sendable, Hashable {
    public var peer: String
    public var device: String
    public var at: Timestamp
    public var duration: Duration
    public var readings: Int
    public var rejected: Int
    /// How many of `rejected` were counted without being reported one by one.
    public var unreported: Int
    public var reason: DisconnectReason

    public init(
        peer: String, device: String, at: Timestamp, duration: Duration, readings: Int, rejected: Int,
        unreported: Int = 0, reason: DisconnectReason
    ) {
        self.unreported = unreported
        self.peer = peer
        self.device = device
        self.at = at
        self.duration = duration
        self.readings = readings
        self.rejected = rejected
        self.reason = reason
    }
}

/// Something the `seq`/`millis` pair says about readings that never reached the server.
public struct ContinuityEvent: Sendable, Hashable {
    public var received: Timestamp
    public var peer: String
    public var device: String
    public var line: Int
    public var finding: ContinuityFinding

    public init(received: Timestamp, peer: String, device: String, line: Int, finding: ContinuityFinding) {
        self.received = received
        self.peer = peer
        self.device = device
        self.line = line
        self.finding = finding
    }
}
