/// How one simulated board behaves.
public struct DeviceConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 5050
    /// Sent as `HELLO <name>` after every connect (1–32 of A–Z a–z 0–9 _ . -).
    public var name = "sim-1"
    /// Readings to take before stopping; `nil` = until the task is cancelled.
    public var readings: Int? = 10
    /// Time between readings; zero = as fast as the connection takes them.
    public var interval: Duration = .seconds(5)
    /// Each wait is moved by up to this much either way, so boards drift apart as real ones do.
    public var jitter: Duration = .zero
    public var fault: DeviceFault?
    /// Periodic faults strike on every this-many-th reading (coalesce: readings per write).
    public var faultEvery = 5
    /// Pause inside a reading for split and slow; `nil` = the fault's default.
    public var faultPause: Duration?
    /// Seeds the sensor model and every random choice (jitter, backoff), so a run can be repeated.
    public var seed: UInt32 = 1
    /// Connect attempts that take longer than this fail (the firmware uses 3 s).
    public var connectTimeout: Duration = .seconds(3)
    public var reconnect = ReconnectBackoff()

    /// Leave Nagle's algorithm on (no TCP_NODELAY), one write per reading still: lab 5's board.
    public var nagle = false

    public init() {}

    /// TCP_NODELAY as the firmware's `setNoDelay(true)`; `nagle` and the nagle fault leave Nagle on.
    public var noDelay: Bool { !self.nagle && self.fault != .nagle }
}
