import NIOConcurrencyHelpers

/// Live counters over all devices, for a progress line: devices update them as they go, the
/// CLI reads a snapshot whenever it likes.
public final class DeviceProgress: Sendable {
    public struct Snapshot: Sendable, Equatable {
        public var sent = 0
        public var failed = 0
        public var faultLines = 0
        public var reconnects = 0
        public var connectFailures = 0
        /// Connections open right now.
        public var connected = 0
        /// Devices that have stopped.
        public var finished = 0
    }

    private let state = NIOLockedValueBox(Snapshot())

    public init() {}

    public var snapshot: Snapshot { self.state.withLockedValue { $0 } }

    func update(_ change: (inout Snapshot) -> Void) {
        self.state.withLockedValue { change(&$0) }
    }
}
