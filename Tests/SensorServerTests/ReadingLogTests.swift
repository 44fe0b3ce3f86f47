import Foundation
import SensorProtocol
import Testing

@testable import SensorServer

@Suite("Reading log: formats and the batched writer")
struct ReadingLogTests {
    /// 2023-11-14T22:13:20.123Z
    static let time = Timestamp(nanosecondsSince1970: 1_700_000_000_123_456_789)

    static func received(seq: UInt32 = 12, device: String = "nodemcu-01", temperature: Double = 28.3) -> ReceivedReading {
        ReceivedReading(
            received: time, peer: "192.168.1.20:53122", device: device, line: 3,
            reading: SensorReading(seq: seq, millis: 1_234_567, temperature: temperature, humidity: 65.2))
    }

    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-\(UUID().uuidString)-\(name)").path
    }

    @Test("ISO 8601 timestamps in UTC with milliseconds, leap days and the epoch included")
    func timestamps() {
        #expect(Self.time.iso8601 == "2023-11-14T22:13:20.123Z")
        #expect(Timestamp(nanosecondsSince1970: 0).iso8601 == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp(nanosecondsSince1970: 1_709_164_799_999_000_000).iso8601 == "2024-02-28T23:59:59.999Z")
        #expect(Timestamp(nanosecondsSince1970: 1_709_164_800_000_000_000).iso8601 == "2024-02-29T00:00:00.000Z")
        #expect(Timestamp(nanosecondsSince1970: 4_102_444_800_000_000_000).iso8601 == "2100-01-01T00:00:00.000Z")
    }

    @Test("a JSON line has the documented keys in order")
    func jsonLine() {
        #expect(
            ReadingLogFormat.jsonLines.line(for: Self.received())
                == #"{"received":"2023-11-14T22:13:20.123Z","peer":"192.168.1.20:53122","device":"nodemcu-01","seq":12,"millis":1234567,"temperature":28.3,"humidity":65.2}"#
                + "\n")
    }

    @Test("a CSV row matches the header; odd device names are quoted, odd values kept exactly")
    func csvLine() {
        #expect(ReadingLogFormat.csv.header == "received,peer,device,seq,millis,temperature,humidity\n")
        #expect(
            ReadingLogFormat.csv.line(for: Self.received())
                == "2023-11-14T22:13:20.123Z,192.168.1.20:53122,nodemcu-01,12,1234567,28.3,65.2\n")
        #expect(
            ReadingLogFormat.csv.line(for: Self.received(device: "a,\"b\"", temperature: 28.35))
                == "2023-11-14T22:13:20.123Z,192.168.1.20:53122,\"a,\"\"b\"\"\",12,1234567,28.35,65.2\n")
        #expect(ReadingLogFormat.jsonLines.line(for: Self.received(device: "q\"\n")).contains(#""device":"q\"\n""#))
    }

    @Test("seq and millis from 0 to the largest 32-bit value, digit for digit")
    func numbers() {
        for value: UInt32 in [0, 9, 10, 99, 100, 1_000_000, UInt32.max] {
            var received = Self.received(seq: value)
            received.reading.millis = value
            #expect(ReadingLogFormat.csv.line(for: received).contains(",\(value),\(value),28.3,"))
        }
    }

    @Test("the format follows the file name")
    func formatFromName() {
        #expect(ReadingLogFormat(path: "x.jsonl") == .jsonLines)
        #expect(ReadingLogFormat(path: "X.JSONL") == .jsonLines)
        #expect(ReadingLogFormat(path: "x.csv") == .csv)
        #expect(ReadingLogFormat(path: "readings") == .csv)
    }

    @Test("every reading from several threads is in the file after finish, the CSV header once")
    func writerLosesNothing() async throws {
        let path = Self.temporaryPath("readings.csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        for round in 0..<2 {
            let writer = try ReadingLogWriter(path: path)
            DispatchQueue.concurrentPerform(iterations: 4) { thread in
                for seq in 0..<25_000 {
                    writer.receive(.reading(Self.received(seq: UInt32(seq), device: "dev-\(round)-\(thread)")))
                }
            }
            try await writer.finish()
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1 + 2 * 4 * 25_000)
        #expect(lines.filter { $0.hasPrefix("received,") }.count == 1)
        #expect(lines.dropFirst().allSatisfy { $0.hasSuffix(",1234567,28.3,65.2") })
    }

    @Test("a read's events handed over at once give the same lines as one by one, in both formats")
    func batchSameAsSingle() async throws {
        var later = Self.received(seq: 14, device: "nodemcu-02")
        later.received.nanosecondsSince1970 += 1_000_000  // the next millisecond
        var otherPeer = Self.received(seq: 15, device: "nodemcu-02")
        otherPeer.peer = "[fe80::1]:53122"
        let rejected = RejectedLine(
            received: Self.time, peer: "192.168.1.20:53122", device: "nodemcu-01", line: 4, reason: .partialLine,
            message: "x")
        let events: [SensorEvent] = [
            .reading(Self.received(seq: 12)), .rejected(rejected), .reading(Self.received(seq: 13)),
            .reading(later), .reading(otherPeer), .reading(Self.received(seq: 16, device: "a,\"b\"\n")),
        ]
        for name in ["batch.jsonl", "batch.csv"] {
            var contents: [String] = []
            for together in [false, true] {
                let path = Self.temporaryPath(name)
                defer { try? FileManager.default.removeItem(atPath: path) }
                let writer = try ReadingLogWriter(path: path)
                if together { writer.receive(contentsOf: events) } else { events.forEach(writer.receive) }
                try await writer.finish()
                contents.append(try String(contentsOfFile: path, encoding: .utf8))
            }
            #expect(contents[0] == contents[1], "\(name)")
            // Five readings; the CSV adds its header, and its quoted device name holds a line break.
            #expect(contents[0].split(separator: "\n").count == (name.hasSuffix(".csv") ? 7 : 5))
        }
    }

    @Test("other events are ignored by the log")
    func onlyReadings() async throws {
        let path = Self.temporaryPath("only.jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try ReadingLogWriter(path: path)
        writer.receive(.connected(peer: "1.2.3.4:5", at: Self.time, openConnections: 1))
        writer.receive(.reading(Self.received()))
        try await writer.finish()
        #expect(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count == 1)
    }

    @Test("a log that cannot be opened is a clear error")
    func cannotOpen() {
        let error = #expect(throws: (any Error).self) { try ReadingLogWriter(path: "/nonexistent-dir/x.jsonl") }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains("/nonexistent-dir/x.jsonl"), "names the file: \(message)")
        #expect(message.contains("the folder /nonexistent-dir does not exist"), "says why: \(message)")
    }
}
