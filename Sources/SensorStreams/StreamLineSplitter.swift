import TCPAnalysis

/// One line of a rebuilt byte stream, with the frames that carried it.
public struct StreamLine: Equatable, Sendable {
    /// How the line ended.
    public enum Ending: String, Equatable, Sendable {
        /// `\r\n`, as Arduino's `println` sends.
        case crlf
        /// A bare `\n`.
        case lf
        /// Bytes of the stream were never captured here: the line is cut by a gap.
        case gap
        /// The stream ended (capture stopped, or the connection closed) before a line ending.
        case partial
    }

    /// 1-based position among the lines of this direction of the connection.
    public var number: Int
    /// The line without its ending; at most `StreamLineSplitter.maxLineLength` bytes are kept.
    public var bytes: [UInt8]
    /// The line's full length (larger than `bytes.count` when it was too long to keep).
    public var length: Int
    /// Frame numbers that carried the line's bytes (its ending included), in stream order.
    public var frames: LineFrames
    public var ending: Ending
    /// The bytes just before this line were never captured: its beginning may be missing.
    public var startsAfterGap: Bool
    /// Bytes of the stream up to the end of this line, its ending included (gaps counted): the
    /// receiver has the whole line once it acknowledges relative sequence number 1 + `end`.
    public var end = 0

    public var isTooLong: Bool { length > bytes.count }
}

/// The frames that carried one line: most lines travel in one frame, so the first is kept in
/// place and only the others in an array (a capture of long streams makes millions of lines;
/// an array each would be an allocation each).
public struct LineFrames: RandomAccessCollection, ExpressibleByArrayLiteral, Equatable, Sendable,
                          CustomStringConvertible {
    private var first: Int?
    private var rest: [Int] = []

    public init(arrayLiteral frames: Int...) {
        for frame in frames { append(frame) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { first == nil ? 0 : 1 + rest.count }
    public subscript(position: Int) -> Int { position == 0 ? first! : rest[position - 1] }

    public mutating func append(_ frame: Int) {
        if first == nil { first = frame } else { rest.append(frame) }
    }

    /// As an array prints: "[7, 9]".
    public var description: String { Array(self).description }
}

/// Which part of a line one frame carried.
public struct LinePiece: Equatable, Sendable {
    public var frame: Int
    /// The line's number in its direction.
    public var line: Int
    /// The frame carried the line's first byte / its last byte (its ending).
    public var hasStart: Bool
    public var hasEnd: Bool

    public init(frame: Int, line: Int, hasStart: Bool, hasEnd: Bool) {
        self.frame = frame
        self.line = line
        self.hasStart = hasStart
        self.hasEnd = hasEnd
    }
}

/// Splits a rebuilt stream into lines on `\n`, remembering which frames carried each line.
///
/// Memory is bounded: a line keeps at most `maxLineLength` bytes (the sensor server's limit) and
/// `maxFramesPerLine` frame numbers; longer lines are reported with their full length.
public struct StreamLineSplitter: Sendable {
    public static let maxLineLength = 256
    public static let maxFramesPerLine = 1024

    /// What one stream event produced.
    public struct Output: Equatable, Sendable {
        public var pieces: [LinePiece] = []
        public var lines: [StreamLine] = []
    }

    private var current: StreamLine
    private var lineHasBytes = false
    private var nextNumber = 1
    private var afterGap = false
    /// Stream bytes consumed so far, gaps included.
    private var consumed = 0

    public init() {
        current = StreamLine(number: 1, bytes: [], length: 0, frames: [], ending: .partial, startsAfterGap: false)
    }

    public mutating func consume(_ event: StreamEvent) -> Output {
        var output = Output()
        switch event {
        case .end:
            if lineHasBytes { finishLine(.partial, into: &output) }
        case .gap(let count):
            if lineHasBytes { finishLine(.gap, into: &output) }
            afterGap = true
            consumed += count
        case .data(let frame, let bytes):
            var index = 0
            while index < bytes.count {
                let startsLine = !lineHasBytes
                if startsLine { beginLine() }
                addFrame(frame)
                // Up to and including the next \n, or the rest.
                var end = index
                while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
                let hasNewline = end < bytes.count
                append(bytes[index..<end])
                output.pieces.append(LinePiece(frame: frame, line: current.number, hasStart: startsLine, hasEnd: hasNewline))
                if hasNewline {
                    var ending = StreamLine.Ending.lf
                    if current.length > 0 && current.bytes.count == current.length && current.bytes.last == UInt8(ascii: "\r") {
                        current.bytes.removeLast()
                        current.length -= 1
                        ending = .crlf
                    }
                    consumed += end + 1 - index
                    finishLine(ending, into: &output)
                    index = end + 1
                } else {
                    consumed += end - index
                    index = end
                }
            }
        }
        return output
    }

    /// End of the stream: a line without its ending is reported as partial.
    public mutating func finish() -> [StreamLine] {
        var output = Output()
        if lineHasBytes { finishLine(.partial, into: &output) }
        return output.lines
    }

    private mutating func beginLine() {
        current = StreamLine(number: nextNumber, bytes: [], length: 0, frames: [], ending: .partial,
                             startsAfterGap: afterGap)
        lineHasBytes = true
        afterGap = false
    }

    private mutating func addFrame(_ frame: Int) {
        if current.frames.last != frame && current.frames.count < StreamLineSplitter.maxFramesPerLine {
            current.frames.append(frame)
        }
    }

    private mutating func append(_ slice: ArraySlice<UInt8>) {
        let room = StreamLineSplitter.maxLineLength + 1 - current.bytes.count  // +1: a \r may follow
        if room > 0 { current.bytes += slice.prefix(room) }
        current.length += slice.count
        if current.bytes.count > StreamLineSplitter.maxLineLength && current.length > current.bytes.count {
            current.bytes.removeLast(current.bytes.count - StreamLineSplitter.maxLineLength)
        }
    }

    private mutating func finishLine(_ ending: StreamLine.Ending, into output: inout Output) {
        // Taken out rather than copied: `beginLine` starts the next one afresh anyway.
        var line = StreamLine(number: 0, bytes: [], length: 0, frames: [], ending: ending, startsAfterGap: false)
        swap(&line, &current)
        line.ending = ending
        line.end = consumed
        // A line cut short may still hold the \r of its ending: it is not part of the text.
        if ending == .gap || ending == .partial, line.length == line.bytes.count, line.bytes.last == UInt8(ascii: "\r") {
            line.bytes.removeLast()
            line.length -= 1
        }
        if line.bytes.count > StreamLineSplitter.maxLineLength {
            line.bytes.removeLast(line.bytes.count - StreamLineSplitter.maxLineLength)
        }
        output.lines.append(line)
        nextNumber += 1
        lineHasBytes = false
    }
}
