import NIOConcurrencyHelpers
import SensorServer

/// A sink that keeps every event the real server emits, for tests to inspect (thread-safe:
/// events come from the event loops).
public final class EventRecorder: SensorEventSink {
    private let events = NIOLockedValueBox<[SensorEvent]>([])
    private let finished = NIOLockedValueBox(false)

    public init() {}

    public func receive(_ event: SensorEvent) {
        self.events.withLockedValue { $0.append(event) }
    }

    public func finish() async throws {
        self.finished.withLockedValue { $0 = true }
    }

    public var all: [SensorEvent] { self.events.withLockedValue { $0 } }
    public var wasFinished: Bool { self.finished.withLockedValue { $0 } }

    public var readings: [ReceivedReading] {
        self.all.compactMap { if case .reading(let reading) = $0 { return reading } else { return nil } }
    }

    public var rejected: [RejectedLine] {
        self.all.compactMap { if case .rejected(let line) = $0 { return line } else { return nil } }
    }

    public var findings: [ContinuityFinding] {
        self.all.compactMap { if case .continuity(let event) = $0 { return event.finding } else { return nil } }
    }

    public var disconnections: [Disconnection] {
        self.all.compactMap { if case .disconnected(let end) = $0 { return end } else { return nil } }
    }

    public var connectedCount: Int {
        self.all.filter { if case .connected = $0 { return true } else { return false } }.count
    }

    public var refusedCount: Int {
        self.all.filter { if case .refused = $0 { return true } else { return false } }.count
    }

    public var refusals: [ConnectionRefusal] {
        self.all.compactMap { if case .refused(_, _, let reason, _) = $0 { return reason } else { return nil } }
    }

    /// The seqs of one device's readings, in arrival order.
    public func seqs(of device: String) -> [UInt32] {
        self.readings.filter { $0.device == device }.map(\.reading.seq)
    }
}
