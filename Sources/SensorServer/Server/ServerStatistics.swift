/// The server's counters. Each event loop keeps its own copy (see `LoopCounters`), so the hot path
/// is plain integer increments; a snapshot adds the copies up.
public struct ServerStatistics: Sendable, Hashable {
    public var readings = 0
    public var rejectedByReason: [RejectionReason: Int] = [:]
    public var bytesReceived = 0
    /// Connections accepted and kept (refused ones not included).
    public var connectionsAccepted = 0
    public var connectionsClosed = 0
    /// Connections closed on arrival, by `ConnectionRefusal.code`.
    public var refusedByReason: [String: Int] = [:]
    public var idleTimeouts = 0
    /// Number of gaps, and readings missing in them.
    public var gaps = 0
    public var missingReadings = 0
    public var repeats = 0
    public var restarts = 0

    public init() {}

    public var rejected: Int { self.rejectedByReason.values.reduce(0, +) }
    public var connectionsOpen: Int { self.connectionsAccepted - self.connectionsClosed }
    public var connectionsRefused: Int { self.refusedByReason.values.reduce(0, +) }

    mutating func count(_ finding: ContinuityFinding) {
        switch finding {
        case .gap:
            self.gaps += 1
            self.missingReadings += finding.missingReadings
        case .repeated: self.repeats += 1
        case .restart: self.restarts += 1
        }
    }

    public static func + (lhs: ServerStatistics, rhs: ServerStatistics) -> ServerStatistics {
        var sum = lhs
        sum.readings += rhs.readings
        sum.rejectedByReason.merge(rhs.rejectedByReason, uniquingKeysWith: +)
        sum.bytesReceived += rhs.bytesReceived
        sum.connectionsAccepted += rhs.connectionsAccepted
        sum.connectionsClosed += rhs.connectionsClosed
        sum.refusedByReason.merge(rhs.refusedByReason, uniquingKeysWith: +)
        sum.idleTimeouts += rhs.idleTimeouts
        sum.gaps += rhs.gaps
        sum.missingReadings += rhs.missingReadings
        sum.repeats += rhs.repeats
        sum.restarts += rhs.restarts
        return sum
    }
}

/// One event loop's share of the counters, and the list its connections gather a read's events
/// in. Only ever touched on that loop, which is what makes the unsynchronised `var`s safe.
final class LoopCounters: @unchecked Sendable {
    var statistics = ServerStatistics()
    /// Empty between callbacks (see `SensorLineHandler.deliver`): one list per loop, not per
    /// connection, so its capacity costs an idle connection nothing.
    var events: [SensorEvent] = []
}

/// What `SensorServer.shutdown()` returns: the final counters and how many devices were heard.
public struct ServerSummary: Sendable, Hashable {
    public var statistics: ServerStatistics
    /// Distinct devices (by `HELLO` name, else peer address) that sent at least one line.
    public var devices: Int
    public var uptime: Duration

    public init(statistics: ServerStatistics, devices: Int, uptime: Duration) {
        self.statistics = statistics
        self.devices = devices
        self.uptime = uptime
    }
}
