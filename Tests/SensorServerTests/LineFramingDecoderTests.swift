import NIOCore
import NIOEmbedded
import SensorServer
import Testing

/// What came out of the framer, in order.
private enum Frame: Equatable {
    case line(String)
    case tooLong(Int)
    case partial(String)
}

/// Collects the framer's output: lines as `channelRead` (a read's lines together), the exceptions
/// as user events.
private final class FrameCollector: ChannelInboundHandler {
    typealias InboundIn = FramedLines
    var frames: [Frame] = []
    var messages = 0

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.messages += 1
        Self.unwrapInboundIn(data).forEachLine { line in
            self.frames.append(.line(String(decoding: line, as: UTF8.self)))
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event as? FramingEvent {
        case .lineTooLong(let length, _): self.frames.append(.tooLong(length))
        case .partialLine(let bytes): self.frames.append(.partial(String(buffer: bytes)))
        case nil: context.fireUserInboundEventTriggered(event)
        }
    }
}

@Suite("LineFramingDecoder: newline framing over a byte stream")
struct LineFramingDecoderTests {
    private func frames(maxLine: Int = 256, chunks: [[UInt8]], close: Bool = true) throws -> [Frame] {
        let collector = FrameCollector()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFramingDecoder(maxLineLength: maxLine)))
        try channel.pipeline.syncOperations.addHandler(collector)
        for chunk in chunks {
            try channel.writeInbound(ByteBuffer(bytes: chunk))
        }
        if close { _ = try channel.finish() }
        return collector.frames
    }

    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("bytes drip-fed one at a time give the same lines")
    func dripFeed() throws {
        let stream = bytes("0,2003,21.0,40.0\r\n1,4005,21.5,41.0\r\n")
        let frames = try self.frames(chunks: stream.map { [$0] })
        #expect(frames == [.line("0,2003,21.0,40.0"), .line("1,4005,21.5,41.0")])
    }

    @Test("a reading split across two reads, at every possible point")
    func splitAnywhere() throws {
        let stream = bytes("12,1234567,28.3,65.2\r\n")
        for cut in 1..<stream.count {
            let frames = try self.frames(chunks: [Array(stream[..<cut]), Array(stream[cut...])])
            #expect(frames == [.line("12,1234567,28.3,65.2")], "cut at \(cut)")
        }
    }

    @Test("two readings and half of a third in one read")
    func severalInOneRead() throws {
        let frames = try self.frames(chunks: [bytes("1,2,3.0,4.0\r\n5,6,7.0,8.0\r\n9,10,"), bytes("11.0,12.0\r\n")])
        #expect(frames == [.line("1,2,3.0,4.0"), .line("5,6,7.0,8.0"), .line("9,10,11.0,12.0")])
    }

    @Test("the complete lines of one read travel as one message; those before an over-long line go first")
    func oneMessagePerRead() throws {
        let collector = FrameCollector()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFramingDecoder(maxLineLength: 8)))
        try channel.pipeline.syncOperations.addHandler(collector)
        try channel.writeInbound(ByteBuffer(string: "1,2\r\n3,4\n5,6\r\n7,"))
        #expect(collector.messages == 1)
        try channel.writeInbound(ByteBuffer(string: "8\nabcdefghijk\nx\n"))
        _ = try channel.finish()
        #expect(collector.messages == 3)
        #expect(collector.frames == [.line("1,2"), .line("3,4"), .line("5,6"), .line("7,8"), .tooLong(11), .line("x")])
    }

    @Test("CRLF and bare LF both end a line; only the one CR before LF is removed")
    func lineEndings() throws {
        let frames = try self.frames(chunks: [bytes("a\r\nb\nc\r\r\n\r\n\n")])
        #expect(frames == [.line("a"), .line("b"), .line("c\r"), .line(""), .line("")])
    }

    @Test("an over-long line is thrown away and framing resumes at the next newline")
    func overLongLineResyncs() throws {
        let long = String(repeating: "x", count: 100)
        let frames = try self.frames(maxLine: 32, chunks: [bytes("ok1\n" + long), bytes(long + "\r\nok2\n")])
        #expect(frames == [.line("ok1"), .tooLong(200), .line("ok2")])
    }

    @Test("an over-long line that arrives whole is rejected too; exactly max-line is fine")
    func overLongInOneRead() throws {
        let exact = String(repeating: "y", count: 32)
        let frames = try self.frames(maxLine: 32, chunks: [bytes(exact + "\r\n" + exact + "z\nafter\n")])
        #expect(frames == [.line(exact), .tooLong(33), .line("after")])
    }

    @Test("an endless line keeps memory bounded: bytes are dropped as they arrive")
    func endlessLine() throws {
        let collector = FrameCollector()
        let channel = EmbeddedChannel()
        let peak = PeakBytes()
        try channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(MeasuringDecoder(inner: LineFramingDecoder(maxLineLength: 64), peak: peak)))
        try channel.pipeline.syncOperations.addHandler(collector)
        let chunk = ByteBuffer(repeating: UInt8(ascii: "A"), count: 4096)
        for _ in 0..<1000 { try channel.writeInbound(chunk) }  // 4 MB, no newline
        try channel.writeInbound(ByteBuffer(string: "\n1,2,3.0,4.0\n"))
        _ = try channel.finish()
        #expect(collector.frames == [.tooLong(4_096_000), .line("1,2,3.0,4.0")])
        // What the decoder leaves buffered after each read never exceeds one line plus one chunk.
        #expect(peak.value <= 64 + 1 + 4096, "kept \(peak.value) bytes")
    }

    @Test("binary garbage is framed like anything else (the parser rejects it)")
    func binaryGarbage() throws {
        let frames = try self.frames(chunks: [[0x00, 0xFF, 0x13, 0x0A, 0x80, 0x81, 0x0D, 0x0A]])
        #expect(frames == [.line(String(decoding: [0x00, 0xFF, 0x13], as: UTF8.self)), .line(String(decoding: [0x80, 0x81], as: UTF8.self))])
    }

    @Test("a partial line at the end of the stream is reported, not dropped")
    func partialLineAtEOF() throws {
        let frames = try self.frames(chunks: [bytes("1,2,3.0,4.0\r\n5,6,7")])
        #expect(frames == [.line("1,2,3.0,4.0"), .partial("5,6,7")])
    }

    @Test("an over-long line cut off by the end of the stream is reported as too long")
    func overLongAtEOF() throws {
        let frames = try self.frames(maxLine: 8, chunks: [bytes("123456789012")])
        #expect(frames == [.tooLong(12)])
    }

    @Test("a clean end of stream reports nothing extra")
    func cleanEOF() throws {
        #expect(try self.frames(chunks: [bytes("1,2,3.0,4.0\n")]) == [.line("1,2,3.0,4.0")])
        #expect(try self.frames(chunks: []) == [])
    }
}

/// The most bytes the framing decoder left buffered after any call: its memory per connection.
final class PeakBytes: @unchecked Sendable {
    var value = 0
}

/// `inner`, recording in `peak` how many bytes it leaves in the buffer after each call.
struct MeasuringDecoder: ByteToMessageDecoder {
    typealias InboundOut = LineFramingDecoder.InboundOut
    var inner: LineFramingDecoder
    let peak: PeakBytes

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) -> DecodingState {
        let state = inner.decode(context: context, buffer: &buffer)
        peak.value = max(peak.value, buffer.readableBytes)
        return state
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) -> DecodingState {
        inner.decodeLast(context: context, buffer: &buffer, seenEOF: seenEOF)
    }
}
