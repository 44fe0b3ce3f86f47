import Testing
import TCPAnalysis
import WireFormat

/// Reassembly as tables: a sequence of segments in, the byte stream (with its frames and gaps) out.
@Suite("Stream reassembly")
struct StreamReassemblerTests {
    /// One segment of a table: `seq` relative to the table's ISN, its text, its frame number.
    struct Step: CustomStringConvertible {
        var seq: Int
        var text: String
        var frame: Int
        var description: String { "\(frame):\(seq)+\(text.utf8.count)" }
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var isn: UInt32
        var steps: [(seq: Int, text: String)]
        /// Acknowledgements from the peer after the segments (relative, like `seq`).
        var acks: [Int] = []
        /// The stream as `frame:text` pieces and `gap:N`, joined by `|`.
        var expected: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "in order", isn: 1000,
             steps: [(1, "HELLO\r\n"), (8, "0,1,2,3\r\n"), (17, "1,2,3,4\r\n")],
             expected: "1:HELLO\r\n|2:0,1,2,3\r\n|3:1,2,3,4\r\n"),
        Case(name: "duplicated segment (retransmission) appears once", isn: 1000,
             steps: [(1, "abc"), (1, "abc"), (4, "def"), (4, "def")],
             expected: "1:abc|3:def"),
        Case(name: "overlap: the first-received bytes win", isn: 1000,
             steps: [(1, "abcd"), (3, "XYef")],
             expected: "1:abcd|2:ef"),
        Case(name: "overlap in the buffer: the first-received bytes win there too", isn: 1000,
             steps: [(5, "efgh"), (3, "CDEFGHij"), (1, "ab")],
             expected: "3:ab|2:CD|1:efgh|2:ij"),
        Case(name: "out of order: held until the gap fills", isn: 1000,
             steps: [(1, "aa"), (5, "cc"), (7, "dd"), (3, "bb")],
             expected: "1:aa|4:bb|2:cc|3:dd"),
        Case(name: "wrapping around 2^32", isn: UInt32.max - 4,
             steps: [(1, "abc"), (7, "ghi"), (4, "def"), (10, "jkl")],
             expected: "1:abc|3:def|2:ghi|4:jkl"),
        Case(name: "gap confirmed by the peer's ACK, stream goes on", isn: 1000,
             steps: [(1, "aaaa"), (9, "cccc")], acks: [13],
             expected: "1:aaaa|gap:4|2:cccc"),
        Case(name: "gap at the end of the capture", isn: 1000,
             steps: [(1, "aaaa"), (9, "cccc")],
             expected: "1:aaaa|gap:4|2:cccc"),
        Case(name: "old ACKs and the FIN's own number are no gap", isn: 1000,
             steps: [(1, "aaaa")], acks: [1, 5],
             expected: "1:aaaa"),
        Case(name: "keep-alive probe (one old byte) adds nothing", isn: 1000,
             steps: [(1, "abcd"), (4, "d")],
             expected: "1:abcd"),
    ]

    @Test(arguments: cases)
    func table(_ testCase: Case) {
        var reassembler = StreamReassembler()
        let isn = SequenceNumber(testCase.isn)
        var events = reassembler.receive(sequence: isn, syn: true, payload: [], frame: 0)
        for (index, step) in testCase.steps.enumerated() {
            events += reassembler.receive(sequence: isn + step.seq, payload: Array(step.text.utf8), frame: index + 1)
        }
        for ack in testCase.acks {
            events += reassembler.acknowledged(isn + ack)
        }
        events += reassembler.finish()
        #expect(Self.describe(events) == testCase.expected)
    }

    static func describe(_ events: [StreamEvent]) -> String {
        events.map { event -> String in
            switch event {
            case .data(let frame, let bytes): return "\(frame):" + String(decoding: bytes, as: UTF8.self)
            case .gap(let count): return "gap:\(count)"
            case .end: return "end"
            }
        }.joined(separator: "|")
    }

    @Test("a capture without the SYN starts the stream at the first byte seen")
    func midConnection() {
        var reassembler = StreamReassembler()
        let events = reassembler.receive(sequence: SequenceNumber(5000), payload: Array("xy".utf8), frame: 7)
            + reassembler.receive(sequence: SequenceNumber(5002), payload: Array("z".utf8), frame: 8)
        #expect(Self.describe(events) == "7:xy|8:z")
    }

    @Test("bounded memory: past the cap the oldest hole is given up and reported")
    func bufferCap() {
        var reassembler = StreamReassembler(maxBufferedBytes: 8)
        let isn = SequenceNumber(0)
        var events = reassembler.receive(sequence: isn, syn: true, payload: [], frame: 0)
        events += reassembler.receive(sequence: isn + 1, payload: Array("aa".utf8), frame: 1)
        // Bytes 3–4 never come; 5 onwards arrive, 4 bytes at a time.
        events += reassembler.receive(sequence: isn + 5, payload: Array("cccc".utf8), frame: 2)
        events += reassembler.receive(sequence: isn + 9, payload: Array("dddd".utf8), frame: 3)
        #expect(reassembler.bufferedBytes == 8)
        #expect(Self.describe(events) == "1:aa")
        events += reassembler.receive(sequence: isn + 13, payload: Array("e".utf8), frame: 4)
        #expect(Self.describe(events) == "1:aa|gap:2|2:cccc|3:dddd|4:e")
        #expect(reassembler.bufferedBytes == 0)
        #expect(reassembler.missingBytes == 2)
        // The missing bytes arriving late change nothing: the stream has moved on.
        events += reassembler.receive(sequence: isn + 3, payload: Array("bb".utf8), frame: 5)
        #expect(Self.describe(events) == "1:aa|gap:2|2:cccc|3:dddd|4:e")
    }

    @Test("a payload cut by the snapshot length: captured bytes, then the rest as a gap")
    func snapshotCut() {
        var reassembler = StreamReassembler()
        let isn = SequenceNumber(77)
        var events = reassembler.receive(sequence: isn, syn: true, payload: [], frame: 1)
        events += reassembler.receive(sequence: isn + 1, payload: Array("12,34".utf8), payloadLength: 21, frame: 2)
        events += reassembler.receive(sequence: isn + 22, payload: [], payloadLength: 21, frame: 3)
        #expect(Self.describe(events) == "2:12,34|gap:16|gap:21")
    }

    @Test("an ACK over a hole with buffered bytes after it: only the hole is missing")
    func ackOverHoleKeepsBufferedBytes() {
        var reassembler = StreamReassembler()
        let isn = SequenceNumber(UInt32.max - 1)  // the hole sits across 2^32
        var events = reassembler.receive(sequence: isn, syn: true, payload: [], frame: 1)
        events += reassembler.receive(sequence: isn + 1, payload: Array("ab".utf8), frame: 2)
        events += reassembler.receive(sequence: isn + 5, payload: Array("ef".utf8), frame: 3)
        events += reassembler.receive(sequence: isn + 9, payload: Array("ij".utf8), frame: 4)
        events += reassembler.acknowledged(isn + 11)
        #expect(Self.describe(events) == "2:ab|gap:2|3:ef|gap:2|4:ij")
        #expect(reassembler.deliveredBytes == 6)
    }
}
