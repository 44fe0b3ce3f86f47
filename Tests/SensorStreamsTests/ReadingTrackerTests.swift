import SensorStreams
import Testing
import TCPAnalysis
import WireFormat

/// Readings rebuilt from hand-made segments of two boards talking at once (raw IPv4 frames
/// through the real decoder and tracker).
@Suite("Readings rebuilt from interleaved connections")
struct ReadingTrackerTests {
    /// Builds frames for a conversation between board `host` (10.0.0.host:port) and 10.0.0.1:5050.
    struct Board {
        var host: UInt32
        var port: UInt16
        var isn: UInt32
        var serverISN: UInt32 = 7000

        func frame(_ flags: TCPFlags, seq: Int, ack: Int = 1, _ text: String = "", fromServer: Bool = false) -> [UInt8] {
            let payload = Array(text.utf8)
            let tcp = TCPHeader(
                sourcePort: fromServer ? 5050 : port, destinationPort: fromServer ? port : 5050,
                sequenceNumber: SequenceNumber(fromServer ? serverISN : isn) + seq,
                acknowledgementNumber: SequenceNumber(fromServer ? isn : serverISN) + ack,
                flags: flags, window: 65535)
            let ip = IPv4Header(totalLength: UInt16(20 + tcp.headerLength + payload.count), protocolNumber: 6,
                                source: fromServer ? 0x0a00_0001 : 0x0a00_0000 | host,
                                destination: fromServer ? 0x0a00_0000 | host : 0x0a00_0001)
            return ip.encode() + tcp.encode() + payload
        }
    }

    struct Result {
        var readings: [RebuiltReading] = []
        var notes: [Int: [String]] = [:]
    }

    func run(_ frames: [[UInt8]], serverPort: UInt16? = 5050) -> Result {
        let analyzer = PacketAnalyzer(linkType: .raw)
        let tracker = ReadingTracker(serverPort: serverPort)
        var result = Result()
        for (index, frame) in frames.enumerated() {
            frame.withUnsafeBytes { bytes in
                let analyzed = analyzer.analyze(frame: index + 1, seconds: index, nanoseconds: 0, bytes: bytes)
                let step = tracker.process(analyzed, bytes: bytes)
                result.readings += step.readings
                if !step.notes.isEmpty { result.notes[index + 1] = step.notes }
            }
        }
        result.readings += tracker.finish()
        return result
    }

    @Test("two boards at once, one wrapping past 2^32 with a retransmission and an out-of-order segment")
    func twoBoards() {
        let a = Board(host: 2, port: 40000, isn: 100)
        let b = Board(host: 3, port: 40001, isn: UInt32.max - 10)  // its stream crosses 2^32
        let frames: [[UInt8]] = [
            a.frame(.syn, seq: 0, ack: 0),                                  // 1
            b.frame(.syn, seq: 0, ack: 0),                                  // 2
            a.frame([.syn, .ack], seq: 0, fromServer: true),                // 3
            b.frame([.syn, .ack], seq: 0, fromServer: true),                // 4
            a.frame(.ack, seq: 1),                                          // 5
            b.frame(.ack, seq: 1),                                          // 6
            a.frame([.psh, .ack], seq: 1, "HELLO board-a\r\n0,10,2"),       // 7: HELLO + start of reading 0
            b.frame([.psh, .ack], seq: 1, "5,50,20.0,40.0\r\n"),            // 8: b's reading 5 (across 2^32)
            a.frame([.psh, .ack], seq: 22, "1.0,50.0\r\n1,20,21.5,51.0\r\n"),  // 9: end of 0, all of 1
            b.frame([.psh, .ack], seq: 33, "7,70,20.2,40.2\r\n"),           // 10: out of order (6 is missing)
            b.frame([.psh, .ack], seq: 1, "5,50,20.0,40.0\r\n"),            // 11: retransmission of 5
            b.frame([.psh, .ack], seq: 17, "6,60,20.1,40.1\r\n"),           // 12: fills the hole
            b.frame([.psh, .ack], seq: 49, "8,80,2"),                       // 13: then the capture ends
        ]
        let result = run(frames)
        let summary = result.readings.map { reading -> String in
            let value: String
            switch reading.outcome {
            case .reading(let r): value = "seq \(r.seq)"
            case .hello(let name): value = "hello \(name)"
            case .invalid(let reason): value = "invalid \(reason.prefix(12))"
            }
            return "\(reading.stream) \(reading.line.frames) \(value)"
        }
        #expect(summary == [
            "0 [7] hello board-a",
            "1 [8] seq 5",
            "0 [7, 9] seq 0",
            "0 [9] seq 1",
            "1 [12] seq 6",
            "1 [10] seq 7",
            "1 [13] invalid partial line",
        ])
        #expect(result.readings.first { $0.stream == 0 && $0.isValid && $0.device != nil }?.device == "board-a")
        #expect(result.notes[7] == ["This segment carries all of the HELLO line (device board-a) and the start of the next reading."])
        #expect(result.notes[9] == ["This segment carries the end of reading 0 and all of reading 1."])
        #expect(result.notes[10]?.first?.hasPrefix("Its bytes wait in the reassembly buffer") == true)
        #expect(result.notes[11] == ["Its bytes are already in the rebuilt stream: nothing new for the readings."])
        #expect(result.notes[13] == ["This segment carries the start of the next reading."])
        #expect(result.notes[12] == [
            "This segment carries all of reading 6.",
            "It fills the gap: the bytes held back from frame 10 now follow it in the stream, completing 1 more line.",
        ])
    }

    @Test("only connections to the sensor port get notes; the server's bytes are never readings")
    func onlySensorPortAndClientSide() {
        let other = Board(host: 4, port: 40002, isn: 5)
        let frames = [
            other.frame([.psh, .ack], seq: 1, "1,2,3.0,4.0\r\n"),
            other.frame([.psh, .ack], seq: 1, "OK\r\n", fromServer: true),
        ]
        let onSensorPort = run(frames)
        #expect(onSensorPort.readings.count == 1)  // the client's line only
        #expect(onSensorPort.notes[1] == ["This segment carries all of reading 1."])
        #expect(onSensorPort.notes[2] == nil)
        let elsewhere = run(frames, serverPort: 6060)
        #expect(elsewhere.notes.isEmpty)
        #expect(elsewhere.readings.isEmpty)
    }
}
