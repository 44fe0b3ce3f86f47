import Logging
import NIOConcurrencyHelpers
import NIOPosix
import SensorServer
import TestSupport

/// One event loop for every test server: a board's connections are then read in the order their
/// bytes arrived, so per-device order across reconnects is deterministic. (With one loop per
/// core, a new connection may be read before the rest of an old one: the server's continuity
/// check sees whichever comes first.)
let serverGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)

/// The real SensorServer on 127.0.0.1, on a free port, with a recorder attached.
func startServer(_ recorder: EventRecorder, maxLine: Int = 256) async throws -> SensorServer {
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

/// The server's info lines ("listening", "shutting down") would drown the test output.
let quietLogger: Logger = {
    var logger = Logger(label: "test")
    logger.logLevel = .warning
    return logger
}()
