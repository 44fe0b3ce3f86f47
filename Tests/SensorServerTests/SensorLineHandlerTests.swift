import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOEmbedded
import SensorProtocol
import Testing

@testable import SensorServer
import TestSupport

/// The whole per-connection pipeline on an `EmbeddedChannel`: bytes in, events out.
@Suite("SensorLineHandler: numbering, parsing, naming, continuity")
struct SensorLineHandlerTests {
    final class Connection {
        let channel = EmbeddedChannel()
        let recorder = EventRecorder()
        let counters = LoopCounters()
        let devices: DeviceRegistry

        init(
            devices: DeviceRegistry = DeviceRegistry(), maxLine: Int = 256, peerPort: Int = 53122,
            rejectionReports: ReportRate = ReportRate(burst: 20, perSecond: 10)
        ) throws {
            self.devices = devices
            let pipeline = self.channel.pipeline.syncOperations
            try pipeline.addHandler(ByteCountingHandler(counters: self.counters))
            try pipeline.addHandler(ByteToMessageHandler(LineFramingDecoder(maxLineLength: maxLine)))
            try pipeline.addHandler(
                SensorLineHandler(
                    sinks: [self.recorder], devices: devices, counters: self.counters,
                    logger: Logger(label: "test"), rejectionReports: rejectionReports))
            let peer = try SocketAddress(ipAddress: "192.168.1.20", port: peerPort)
            self.channel.remoteAddress = peer
            try self.channel.connect(to: peer).wait()  // fires channelActive
        }

        func send(_ text: String) throws {
            try self.channel.writeInbound(ByteBuffer(string: text))
        }

        func send(bytes: [UInt8]) throws {
            try self.channel.writeInbound(ByteBuffer(bytes: bytes))
        }

        func close() throws {
            _ = try self.channel.finish()
        }
    }

    @Test("a board without HELLO is known by its peer address; readings carry line numbers")
    func unnamedBoard() throws {
        let connection = try Connection()
        try connection.send("0,2003,21.0,40.0\r\n1,4005,21.5,41.0\r\n")
        let readings = connection.recorder.readings
        #expect(readings.map(\.device) == ["192.168.1.20:53122", "192.168.1.20:53122"])
        #expect(readings.map(\.peer) == ["192.168.1.20:53122", "192.168.1.20:53122"])
        #expect(readings.map(\.line) == [1, 2])
        #expect(readings.map(\.reading.seq) == [0, 1])
        #expect(connection.counters.statistics.readings == 2)
        #expect(connection.counters.statistics.bytesReceived == 36)
    }

    @Test("the events of one read reach a sink in one call, in order; its readings share one time stamp")
    func oneCallPerRead() throws {
        let connection = try Connection()
        let batches = BatchSizes()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFramingDecoder()))
        try channel.pipeline.syncOperations.addHandler(
            SensorLineHandler(sinks: [batches], devices: connection.devices, counters: connection.counters, logger: Logger(label: "test")))
        try channel.writeInbound(ByteBuffer(string: "HELLO a\r\n0,2003,21.0,40.0\r\nbad\r\n1,4005,21.5,41.0\r\n"))
        try channel.writeInbound(ByteBuffer(string: "2,6007,21.5,41.0\r\n"))
        #expect(batches.sizes == [4, 1])
        #expect(connection.counters.events.isEmpty)
        try connection.send("0,2003,21.0,40.0\r\n1,4005,21.5,41.0\r\n")
        #expect(Set(connection.recorder.readings.map(\.received)).count == 1)
    }

    @Test("HELLO names the board for every later event")
    func helloNamesTheBoard() throws {
        let connection = try Connection()
        try connection.send("HELLO nodemcu-01\r\n0,2003,21.0,40.0\r\nbad\r\n")
        try connection.close()
        #expect(connection.recorder.readings.first?.device == "nodemcu-01")
        #expect(connection.recorder.readings.first?.line == 2)
        #expect(connection.recorder.rejected.first?.device == "nodemcu-01")
        #expect(connection.recorder.disconnections.first?.device == "nodemcu-01")
        let named = connection.recorder.all.contains { event in
            if case .named(_, "nodemcu-01", 1, _) = event { return true } else { return false }
        }
        #expect(named)
    }

    @Test("a flood of bad lines: every one counted, only the report budget's worth reported, the rest summed up")
    func rejectionFloodIsCountedNotPrinted() throws {
        // perSecond 0: the budget never refills, so the count reported does not depend on time.
        let connection = try Connection(rejectionReports: ReportRate(burst: 3, perSecond: 0))
        try connection.send(String(repeating: "garbage\n", count: 100) + "0,2003,21.0,40.0\n")
        try connection.close()
        #expect(connection.counters.statistics.rejected == 100)
        #expect(connection.recorder.rejected.map(\.line) == [1, 2, 3])
        #expect(connection.recorder.rejected.allSatisfy { $0.unreportedBefore == 0 })
        #expect(connection.recorder.readings.map(\.line) == [101])  // the good line still gets through
        let end = try #require(connection.recorder.disconnections.first)
        #expect(end.rejected == 100 && end.unreported == 97)
    }

    @Test("ReportBudget: a burst, then a bounded rate; the count of unreported lines goes with the next report")
    func reportBudget() throws {
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        var budget = ReportBudget(burst: 2, perSecond: 10, now: start)
        var granted: [Bool] = []
        for offset in [0, 0, 50, 100, 150] {  // a token every 100 ms once the burst of 2 is spent
            granted.append(budget.take(now: start + .milliseconds(Int64(offset))))
        }
        #expect(granted == [true, true, false, true, false])
        let later = start + .seconds(5)  // a long quiet spell refills to the burst, no more
        granted = (0..<3).map { _ in budget.take(now: later) }
        #expect(granted == [true, true, false])
        let text = EventTextFormatter().format(
            .rejected(
                {
                    var line = RejectedLine(
                        received: .now(), peer: "p", device: "d", line: 9, reason: .lineTooLong, message: "m")
                    line.unreportedBefore = 41
                    return line
                }()))
        #expect(text?.text.contains("(41 more rejected lines before it, counted, not shown)") == true)
    }

    @Test("rejected lines name device, line number and reason, and the connection carries on")
    func rejectedLines() throws {
        let connection = try Connection(maxLine: 40)
        try connection.send("HELLO board\n\n12,1234567,nan,65.2\r\n")
        try connection.send(bytes: [0x00, 0xFF, 0x13] + Array("garbage\r\n".utf8))
        try connection.send(String(repeating: "9", count: 100) + "\r\n5,6,7.0,8.0\r\n5,6,7")
        try connection.close()
        let rejected = connection.recorder.rejected
        #expect(rejected.map(\.line) == [2, 3, 4, 5, 7])
        #expect(rejected.map(\.reason.code) == ["empty-line", "bad-temperature", "not-text", "line-too-long", "partial-line"])
        #expect(rejected.allSatisfy { $0.device == "board" && $0.message.contains("expected") })
        #expect(connection.recorder.readings.map(\.line) == [6])
        #expect(connection.counters.statistics.rejected == 5)
        #expect(connection.counters.statistics.rejectedByReason[.partialLine] == 1)
        #expect(connection.recorder.disconnections.first?.rejected == 5)
        #expect(connection.recorder.disconnections.first?.readings == 1)
    }

    @Test("gaps, repeats and restarts are reported with the reading that revealed them")
    func continuity() throws {
        let connection = try Connection()
        try connection.send("HELLO board\n0,1000,20.0,40.0\n1,2000,20.0,40.0\n4,5000,20.0,40.0\n4,5000,20.0,40.0\n")
        try connection.send("0,900,20.0,40.0\n1,1900,20.0,40.0\n")
        #expect(
            connection.recorder.findings == [
                .gap(expected: 2, received: 4), .repeated(seq: 4),
                .restart(previousSeq: 4, previousMillis: 5000, seq: 0, millis: 900),
            ])
        let statistics = connection.counters.statistics
        #expect(statistics.gaps == 1 && statistics.missingReadings == 2 && statistics.repeats == 1 && statistics.restarts == 1)
    }

    @Test("continuity follows the device name across connections (a reconnect that lost readings)")
    func continuityAcrossConnections() throws {
        let devices = DeviceRegistry()
        let first = try Connection(devices: devices, peerPort: 1000)
        try first.send("HELLO board\n10,20000,20.0,40.0\n")
        try first.close()
        let second = try Connection(devices: devices, peerPort: 1001)
        try second.send("HELLO board\n13,26000,20.0,40.0\n")
        #expect(second.recorder.findings == [.gap(expected: 11, received: 13)])
        #expect(devices.count == 1)
    }

    @Test("the idle-timeout event closes the connection with that reason")
    func idleTimeout() throws {
        let connection = try Connection()
        connection.channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        #expect(!connection.channel.isActive)
        #expect(connection.recorder.disconnections.map(\.reason) == [.idleTimeout])
        #expect(connection.counters.statistics.idleTimeouts == 1)
    }

    @Test("an I/O error closes only this connection and says why")
    func errorClosesConnection() throws {
        let connection = try Connection()
        connection.channel.pipeline.fireErrorCaught(IOError(errnoCode: ECONNRESET, reason: "read"))
        #expect(!connection.channel.isActive)
        #expect(connection.recorder.disconnections.map(\.reason) == [.reset])
    }
}

/// Counts the events of each `receive(contentsOf:)` call.
private final class BatchSizes: SensorEventSink, @unchecked Sendable {  // used on one thread (EmbeddedChannel)
    var sizes: [Int] = []
    func receive(_ event: SensorEvent) { self.sizes.append(1) }
    func receive(contentsOf events: [SensorEvent]) { self.sizes.append(events.count) }
}

@Suite("DeviceContinuity rules")
struct DeviceContinuityTests {
    private func reading(_ seq: UInt32, _ millis: UInt32) -> SensorReading {
        SensorReading(seq: seq, millis: millis, temperature: 20, humidity: 40)
    }

    @Test("the first reading of a device says nothing; the next in order neither")
    func inOrder() {
        var continuity = DeviceContinuity()
        #expect(continuity.observe(self.reading(7, 100)) == nil)
        #expect(continuity.observe(self.reading(8, 2100)) == nil)
    }

    @Test("millis going back alone is a restart; seq going back alone too")
    func restarts() {
        var continuity = DeviceContinuity()
        _ = continuity.observe(self.reading(5, 10_000))
        #expect(continuity.observe(self.reading(6, 900)) == .restart(previousSeq: 5, previousMillis: 10_000, seq: 6, millis: 900))
        #expect(continuity.observe(self.reading(2, 3000)) == .restart(previousSeq: 6, previousMillis: 900, seq: 2, millis: 3000))
    }

    @Test("millis wrapping after 49.7 days is not a restart")
    func millisWrap() {
        var continuity = DeviceContinuity()
        _ = continuity.observe(self.reading(100, UInt32.max - 1000))
        #expect(continuity.observe(self.reading(101, 1000)) == nil)
    }
}

@Suite("A connection's socket error, in words")
struct SocketErrorWordsTests {
    @Test func aBoardThatStoppedAnsweringIsSaidSoNotByNIOsFunctionName() {
        let text = DisconnectReason.error(SensorLineHandler.explain(errno: ETIMEDOUT)).description
        #expect(text.contains("the board stopped answering: connection timed out"))
        #expect(!text.contains("read(descriptor") && !text.contains(")) "))
        #expect(SensorLineHandler.explain(errno: ENOBUFS).contains("(errno \(ENOBUFS))"))
    }
}
