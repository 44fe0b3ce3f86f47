import Testing
import SensorStreams
import TCPAnalysis

@Suite("Lines cut from a rebuilt stream")
struct StreamLineSplitterTests {
    private func split(_ events: [StreamEvent]) -> (lines: [StreamLine], pieces: [LinePiece]) {
        var splitter = StreamLineSplitter()
        var lines: [StreamLine] = [], pieces: [LinePiece] = []
        for event in events {
            let output = splitter.consume(event)
            lines += output.lines
            pieces += output.pieces
        }
        return (lines + splitter.finish(), pieces)
    }

    private func text(_ line: StreamLine) -> String { String(decoding: line.bytes, as: UTF8.self) }

    @Test("a reading split over segments keeps the frames of every part, in order")
    func splitReading() {
        let result = split([.data(frame: 4, bytes: Array("0,1234567,2".utf8)),
                            .data(frame: 6, bytes: Array("8.3,65.2\r".utf8)),
                            .data(frame: 9, bytes: Array("\n1,2,3.0,4.0\n".utf8))])
        #expect(result.lines.map(text) == ["0,1234567,28.3,65.2", "1,2,3.0,4.0"])
        #expect(result.lines.map(\.frames) == [[4, 6, 9], [9]])
        #expect(result.lines.map(\.ending) == [.crlf, .lf])
        #expect(result.pieces == [
            LinePiece(frame: 4, line: 1, hasStart: true, hasEnd: false),
            LinePiece(frame: 6, line: 1, hasStart: false, hasEnd: false),
            LinePiece(frame: 9, line: 1, hasStart: false, hasEnd: true),
            LinePiece(frame: 9, line: 2, hasStart: true, hasEnd: true),
        ])
    }

    @Test("a gap cuts the line before it and flags the one after it")
    func gap() {
        let result = split([.data(frame: 1, bytes: Array("0,1,2.0,3.0\r\n1,2,".utf8)),
                            .gap(bytes: 10),
                            .data(frame: 3, bytes: Array("0,5.0\r\n2,3,4.0,5.0\r\n".utf8))])
        #expect(result.lines.map(text) == ["0,1,2.0,3.0", "1,2,", "0,5.0", "2,3,4.0,5.0"])
        #expect(result.lines.map(\.ending) == [.crlf, .gap, .crlf, .crlf])
        #expect(result.lines.map(\.startsAfterGap) == [false, false, true, false])
    }

    @Test("a line without its ending at the end of the stream is partial")
    func partial() {
        let result = split([.data(frame: 2, bytes: Array("7,9,1.0,2.0\r\n8,10,1.".utf8)), .end])
        #expect(result.lines.map(text) == ["7,9,1.0,2.0", "8,10,1."])
        #expect(result.lines.last?.ending == .partial)
        #expect(result.lines.last?.frames == [2])
    }

    @Test("an over-long line keeps a bounded prefix and its real length")
    func tooLong() {
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: 1000)
        let result = split([.data(frame: 1, bytes: long), .data(frame: 2, bytes: long + Array("\r\n".utf8))])
        #expect(result.lines.count == 1)
        #expect(result.lines[0].bytes.count == StreamLineSplitter.maxLineLength)
        #expect(result.lines[0].length == 2001)  // the \r stays: the kept bytes never saw it
        #expect(result.lines[0].isTooLong)
    }
}
