import NIOConcurrencyHelpers
import SensorProtocol
@testable import SensorServer

/// A sink that keeps every event, for tests to inspect (thread-safe: events come from event loops).
final class EventRecorder: SensorEventSink {
    private let events = NIOLockedValueBox<[SensorEvent]>([])
    private let finished = NIOLockedValueBox(false)

    func receive(_ event: SensorEvent) {
        self.events.withLockedValue { $0.append(event) }
    }

    func finish() async throws {
        self.finished.withLockedValue { $0 = true }
    }

    var all: [SensorEvent] { self.events.withLockedValue { $0 } }
    var wasFinished: Bool { self.finished.withLockedValue { $0 } }

    var readings: [ReceivedReading] {
        self.all.compactMap { if case .reading(let reading) = $0 { return reading } else { return nil } }
    }

    var rejected: [RejectedLine] {
        self.all.compactMap { if case .rejected(let line) = $0 { return line } else { return nil } }
    }

    var findings: [ContinuityFinding] {
        self.all.compactMap { if case .continuity(let event) = $0 { return event.finding } else { return nil } }
    }

    var disconnections: [Disconnection] {
        self.all.compactMap { if case .disconnected(let end) = $0 { return end } else { return nil } }
    }

    var connectedCount: Int {
        self.all.filter { if case .connected = $0 { return true } else { return false } }.count
    }

    var refusedCount: Int {
        self.all.filter { if case .refused = $0 { return true } else { return false } }.count
    }

    var refusals: [ConnectionRefusal] {
        self.all.compactMap { if case .refused(_, _, let reason, _) = $0 { return reason } else { return nil } }
    }
}

/// Waits until `condition` holds, checking every 10 ms, at most `attempts` times (10 s by
/// default). Returns whether it held; tests assert on the condition, never on the time taken.
func eventually(attempts: Int = 1000, _ condition: () -> Bool) async -> Bool {
    for _ in 0..<attempts {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// `n` canonical lines with `\r\n`, as the sketch's `client.println` writes them.
func sketchLines(_ range: Range<Int>, millisStep: UInt32 = 2000) -> String {
    range.map { seq in
        let reading = SensorReading(
            seq: UInt32(seq), millis: 2003 + UInt32(seq) * millisStep, temperature: 20 + Double(seq % 100) / 10,
            humidity: 40 + Double(seq % 500) / 10)
        return reading.canonicalLine + "\r\n"
    }.joined()
}
