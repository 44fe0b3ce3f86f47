import NIOCore

/// How the server listens and what limits it enforces.
public struct SensorServerConfiguration: Sendable {
    public var host = "0.0.0.0"
    /// 0 picks a free port (tests); read the real one from `SensorServer.localAddress`.
    public var port = 5050
    /// Longest line content in bytes; longer lines are thrown away up to their newline.
    public var maxLineLength = 256
    /// Connections beyond this many are closed as soon as they are accepted; `nil` = no limit.
    public var maxConnections: Int?
    /// Connections from one IP address beyond this many are closed as soon as they are accepted,
    /// so one misbehaving host cannot take every slot; `nil` = no limit.
    public var maxConnectionsPerAddress: Int?
    /// When not empty, only peers in one of these ranges are served; others are closed on arrival.
    public var allowedRanges: [AddressRange] = []
    /// How many rejected lines per connection, and refused connections in all, are reported one
    /// by one: a burst, then a steady rate. Beyond it they are only counted, so a flood of garbage
    /// or of connection attempts cannot keep the server busy printing.
    public var reportRate = ReportRate(burst: 20, perSecond: 10)
    /// A connection that sends nothing for this long is closed; `nil` = never.
    public var idleTimeout: TimeAmount? = .seconds(60)
    /// TCP keepalive probes find half-open connections (a board that lost power sends no FIN).
    public var keepAlive = true
    /// Keepalive timing: first probe after this much silence, then every `keepAliveInterval`,
    /// giving up after `keepAliveProbes` unanswered probes. Linux's default first probe (2 h) is
    /// far too late for a lab, so these are set explicitly.
    public var keepAliveIdle = 30
    public var keepAliveInterval = 10
    public var keepAliveProbes = 3
    /// On shutdown, how long open connections may keep delivering before they are closed anyway.
    public var drainTimeout: TimeAmount = .seconds(5)
    /// Pending-connection queue; large so a burst of thousands of boards is not turned away.
    public var backlog: Int32 = 4096

    public init() {}
}

public struct ReportRate: Sendable, Hashable {
    public var burst: Int
    public var perSecond: Int

    public init(burst: Int, perSecond: Int) {
        self.burst = burst
        self.perSecond = perSecond
    }
}

/// Why the server could not start.
public enum SensorServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another program (or another `tcplab serve`) already listens there.
    case portInUse(host: String, port: Int)
    /// Ports below 1024 need privileges on most systems.
    case permissionDenied(host: String, port: Int)
    /// The host is not an address of this machine, or not an address at all.
    case badAddress(host: String, port: Int, detail: String)
    case cannotListen(host: String, port: Int, detail: String)

    public var description: String {
        switch self {
        case .portInUse(let host, let port):
            return "port \(port) on \(host) is already in use: another server is listening there "
                + "(find it with `ss -ltnp 'sport = :\(port)'`), or pick another --port"
        case .permissionDenied(let host, let port):
            return "not allowed to listen on \(host):\(port): ports below 1024 need privileges; use --port 5050"
        case .badAddress(let host, let port, let detail):
            return "cannot listen on \(host):\(port): \(detail)"
        case .cannotListen(let host, let port, let detail):
            return "cannot listen on \(host):\(port): \(detail)"
        }
    }
}
