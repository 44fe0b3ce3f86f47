import Logging
import NIOConcurrencyHelpers
import NIOPosix
import SensorServer

/// A sink that keeps every event the real server emits, for the tests to inspect.
final class ServerRecorder: SensorEventSink {
    private let events = NIOLockedValueBox<[SensorEvent]>([])

    func receive(_ event: SensorEvent) {
        self.events.withLockedValue { $0.append(event) }
    }

    var all: [SensorEvent] { self.events.withLockedValue { $0 } }

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

    func seqs(of device: String) -> [UInt32] {
        self.readings.filter { $0.device == device }.map(\.reading.seq)
    }
}

/// One event loop for every test server: a board's connections are then read in the order their
/// bytes arrived, so per-device order across reconnects is deterministic. (With one loop per
/// core, a new connection may be read before the rest of an old one: the server's continuity
/// check sees whichever comes first.)
let serverGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)

/// The real SensorServer on 127.0.0.1, on a free port, with a recorder attached.
func startServer(_ recorder: ServerRecorder, maxLine: Int = 256) async throws -> SensorServer {
    var configuration = SensorServerConfiguration()
    configuration.host = "127.0.0.1"
    configuration.port = 0
    configuration.maxLineLength = maxLine
    configuration.idleTimeout = nil
    configuration.drainTimeout = .seconds(2)
    return try await SensorServer.start(
        configuration: configuration, sinks: [recorder], logger: quietLogger,
        group: serverGroup)
}

/// Waits until `condition` holds, checking every 10 ms, at most `attempts` times (10 s by default).
func eventually(attempts: Int = 1000, _ condition: () async -> Bool) async -> Bool {
    for _ in 0..<attempts {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}

/// The server's info lines ("listening", "shutting down") would drown the test output.
let quietLogger: Logger = {
    var logger = Logger(label: "test")
    logger.logLevel = .warning
    return logger
}()
