/// What one device did, or all of them added up.
public struct DeviceReport: Sendable, Equatable {
    /// Valid readings whose every byte was written into a connection. Written, not delivered: a
    /// write hands the bytes to the kernel, and those in a connection that then breaks may never arrive.
    public var sent = 0
    /// Readings (or fault lines) whose write failed: taken, never delivered, a gap in seq.
    public var failed = 0
    /// Deliberately invalid lines written (garbage, long line, nan).
    public var faultLines = 0
    /// Successful connects.
    public var connections = 0
    /// Connects after the first: after a lost connection or a connection fault.
    public var reconnects = 0
    /// Connect attempts that failed.
    public var connectFailures = 0
    /// Connections that broke under the board (closed by the server, reset, timed out).
    public var connectionsLost = 0
    /// Devices that gave up, and why (empty when all is well).
    public var errors: [String: DeviceError] = [:]

    public init() {}

    /// Every reading the run was asked for was written, and nothing failed.
    public var isComplete: Bool { self.failed == 0 && self.errors.isEmpty }

    public static func + (lhs: DeviceReport, rhs: DeviceReport) -> DeviceReport {
        var total = lhs
        total.sent += rhs.sent
        total.failed += rhs.failed
        total.faultLines += rhs.faultLines
        total.connections += rhs.connections
        total.reconnects += rhs.reconnects
        total.connectFailures += rhs.connectFailures
        total.connectionsLost += rhs.connectionsLost
        total.errors.merge(rhs.errors) { first, _ in first }
        return total
    }
}
