import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SensorProtocol
import Testing

@testable import SensorServer
import TestSupport

/// Real sockets on 127.0.0.1, an ephemeral port per test. Waits are bounded loops on conditions;
/// nothing asserts how long anything took.
@Suite("SensorServer end to end on loopback")
struct EndToEndTests {
    static func startServer(
        sinks: [any SensorEventSink], configure: (inout SensorServerConfiguration) -> Void = { _ in }
    ) async throws -> SensorServer {
        var configuration = SensorServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configure(&configuration)
        return try await SensorServer.start(
            configuration: configuration, sinks: sinks, logger: Logger(label: "test"),
            group: MultiThreadedEventLoopGroup.singleton)
    }

    @Test("200 boards at once: every reading arrives, in order, per device")
    func manyClients() async throws {
        let recorder = EventRecorder()
        let server = try await Self.startServer(sinks: [recorder])
        let boards = 200
        let perBoard = 20
        try await withThrowingTaskGroup(of: Void.self) { group in
            for board in 0..<boards {
                group.addTask {
                    let client = try await LoopbackClient.connect(port: server.port)
                    try await client.write("HELLO board-\(board)\r\n" + sketchLines(0..<perBoard))
                    try await client.close()
                }
            }
            try await group.waitForAll()
        }
        #expect(await eventually { recorder.disconnections.count == boards })
        let summary = await server.shutdown()
        let readings = recorder.readings
        #expect(readings.count == boards * perBoard)
        let byDevice = Dictionary(grouping: readings, by: \.device)
        #expect(byDevice.count == boards)
        #expect(byDevice.values.allSatisfy { $0.map(\.reading.seq) == (0..<UInt32(perBoard)).map { $0 } })
        #expect(recorder.findings.isEmpty && recorder.rejected.isEmpty)
        #expect(summary.devices == boards)
        #expect(summary.statistics.readings == boards * perBoard)
        #expect(summary.statistics.connectionsAccepted == boards)
        #expect(summary.statistics.connectionsOpen == 0)
        #expect(recorder.wasFinished)
    }

    @Test("a client like the original sketch: println writes the reading and CRLF separately, then stop()")
    func sketchLikeClient() async throws {
        let recorder = EventRecorder()
        let server = try await Self.startServer(sinks: [recorder])
        let client = try await LoopbackClient.connect(port: server.port)
        for seq in 0..<30 {
            let reading = SensorReading(seq: UInt32(seq), millis: 2003 + UInt32(seq) * 2000, temperature: 30.5, humidity: 78)
            try await client.write(reading.canonicalLine)
            try await client.write("\r\n")
        }
        try await client.close()
        #expect(await eventually { recorder.disconnections.count == 1 })
        _ = await server.shutdown()
        #expect(recorder.readings.map(\.reading.seq) == (0..<30).map { UInt32($0) })
        #expect(recorder.readings.allSatisfy { $0.device == $0.peer && $0.peer.hasPrefix("127.0.0.1:") })
        #expect(recorder.disconnections.first?.reason == .peerClosed)
        #expect(recorder.rejected.isEmpty)
    }

    @Test("an abrupt RST closes only that connection; the others carry on")
    func abruptReset() async throws {
        let recorder = EventRecorder()
        let server = try await Self.startServer(sinks: [recorder])
        let steady = try await LoopbackClient.connect(port: server.port)
        let crashing = try await LoopbackClient.connect(port: server.port)
        try await steady.write("HELLO steady\r\n" + sketchLines(0..<5))
        try await crashing.write("HELLO crashing\r\n" + sketchLines(0..<3))
        #expect(await eventually { recorder.readings.count == 8 })
        try await crashing.reset()
        #expect(await eventually { recorder.disconnections.count == 1 })
        try await steady.write(sketchLines(5..<10))
        #expect(await eventually { recorder.readings.filter { $0.device == "steady" }.count == 10 })
        #expect(steady.channel.isActive)
        #expect(recorder.disconnections.map(\.device) == ["crashing"])
        #expect(recorder.disconnections.first?.reason == .reset)
        try await steady.close()
        _ = await server.shutdown()
    }

    @Test("graceful shutdown loses nothing: every reading sent is in the log", arguments: ["log.jsonl", "log.csv"])
    func shutdownLosesNothing(logName: String) async throws {
        let path = ReadingLogTests.temporaryPath(logName)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let recorder = EventRecorder()
        let log = try ReadingLogWriter(path: path)
        let server = try await Self.startServer(sinks: [recorder, log])
        let boards = 20
        let perBoard = 500
        var clients: [LoopbackClient] = []
        for _ in 0..<boards { clients.append(try await LoopbackClient.connect(port: server.port)) }
        #expect(await eventually { recorder.connectedCount == boards })
        // Boards keep their connections open: the shutdown has to drain them.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (board, client) in clients.enumerated() {
                group.addTask { try await client.write("HELLO b\(board)\n" + sketchLines(0..<perBoard)) }
            }
            try await group.waitForAll()
        }
        let summary = await server.shutdown()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let header = logName.hasSuffix(".csv") ? 1 : 0
        #expect(lines.count == header + boards * perBoard)
        #expect(summary.statistics.readings == boards * perBoard)
        #expect(summary.statistics.connectionsOpen == 0)
        #expect(recorder.disconnections.count == boards)
        #expect(recorder.disconnections.allSatisfy { $0.reason == .serverShutdown })
        for client in clients { try? await client.close() }
    }

    @Test("beyond max-connections a connection is refused and reported; the others stay")
    func maxConnections() async throws {
        let recorder = EventRecorder()
        let server = try await Self.startServer(sinks: [recorder]) { $0.maxConnections = 3 }
        var accepted: [LoopbackClient] = []
        for _ in 0..<3 { accepted.append(try await LoopbackClient.connect(port: server.port)) }
        #expect(await eventually { recorder.connectedCount == 3 })
        var refused: [LoopbackClient] = []
        for _ in 0..<2 { refused.append(try await LoopbackClient.connect(port: server.port)) }
        #expect(await eventually { recorder.refusedCount == 2 })
        #expect(await eventually { refused.allSatisfy { !$0.channel.isActive } })
        try await accepted[0].write("1,2,3.0,4.0\n")
        #expect(await eventually { recorder.readings.count == 1 })
        #expect(accepted.allSatisfy { $0.channel.isActive })
        let summary = await server.shutdown()
        #expect(summary.statistics.connectionsRefused == 2)
        #expect(summary.statistics.connectionsAccepted == 3)
        for client in accepted { try? await client.close() }
    }

    @Test("the kernel's count of bytes received on a connection, which the shutdown drain compares with what was read")
    func kernelReceiveCount() async throws {
        let accepted = NIOLockedValueBox<Channel?>(nil)
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                accepted.withLockedValue { $0 = channel }
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let client = try await LoopbackClient.connect(port: try #require(listener.localAddress?.port))
        try await client.write("12,3456,21.5,40.0\n")  // 18 bytes
        #expect(await eventually { accepted.withLockedValue { $0 } != nil })
        let child = try #require(accepted.withLockedValue { $0 })
        func kernelCount() async -> UInt64? {
            await withCheckedContinuation { done in
                child.eventLoop.execute { KernelReceiveCount.query(child) { done.resume(returning: $0) } }
            }
        }
        var count: UInt64?
        for _ in 0..<500 where count != 18 {
            count = await kernelCount()
            if count != 18 { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(count == 18)
        try await client.close()
        try await listener.close()
    }

    @Test("a port already in use is a clear, typed error")
    func portInUse() async throws {
        let first = try await Self.startServer(sinks: [])
        await #expect(throws: SensorServerError.portInUse(host: "127.0.0.1", port: first.port)) {
            _ = try await Self.startServer(sinks: []) { $0.port = first.port }
        }
        let message = SensorServerError.portInUse(host: "127.0.0.1", port: first.port).description
        #expect(message.contains("already in use"))
        _ = await first.shutdown()
    }

    @Test("a silent connection is closed by the idle timeout")
    func idleTimeout() async throws {
        let recorder = EventRecorder()
        let server = try await Self.startServer(sinks: [recorder]) { $0.idleTimeout = .milliseconds(100) }
        let client = try await LoopbackClient.connect(port: server.port)
        #expect(await eventually { recorder.disconnections.count == 1 })
        #expect(recorder.disconnections.first?.reason == .idleTimeout)
        #expect(await eventually { !client.channel.isActive })
        _ = await server.shutdown()
    }

    @Test("statistics can be read while running, and shutdown twice gives the same summary")
    func statisticsAndIdempotentShutdown() async throws {
        let recorder = EventRecorder()
        let server = try await Self.startServer(sinks: [recorder])
        let client = try await LoopbackClient.connect(port: server.port)
        try await client.write("1,2,3.0,4.0\nbad\n")
        #expect(await eventually { recorder.all.count >= 3 })
        let running = await server.statistics()
        #expect(running.readings == 1 && running.rejected == 1 && running.connectionsOpen == 1)
        #expect(running.bytesReceived == 16)
        async let first = server.shutdown()
        async let second = server.shutdown()
        let (a, b) = await (first, second)
        #expect(a == b)
        try? await client.close()
    }
}
