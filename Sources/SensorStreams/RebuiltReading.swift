import SensorProtocol
import TCPAnalysis

/// One line of a client→server stream rebuilt from a capture, decoded as the sensor protocol.
public struct RebuiltReading: Equatable, Sendable {
    public enum Outcome: Equatable, Sendable {
        case reading(SensorReading)
        /// `HELLO <name>`: the board names itself; not a reading.
        case hello(name: String)
        /// Not a valid line; the reason for a person (and for the JSON `error`).
        case invalid(String)
    }

    /// The conversation's index (tshark's `tcp.stream`).
    public var stream: Int
    public var line: StreamLine
    public var outcome: Outcome
    /// The device name from this stream's HELLO line, when one came before.
    public var device: String?
    /// The server acknowledged the whole line (its ACKs reached past its end); false when it never
    /// did — the line did not arrive, whatever the board's write said; nil when unknown (the
    /// capture holds no segment from the server).
    public var acknowledged: Bool?

    public init(stream: Int, line: StreamLine, device: String? = nil) {
        self.stream = stream
        self.line = line
        self.device = device
        self.outcome = RebuiltReading.decode(line)
    }

    public var isValid: Bool {
        if case .invalid = outcome { return false }
        return true
    }

    /// The line as text, without its ending (non-ASCII bytes as U+FFFD).
    public var text: String { String(decoding: line.bytes, as: UTF8.self) }

    /// Lines touched by a gap or cut short are never trusted, even when they happen to parse:
    /// the bytes a student would read there are not all the bytes that were sent.
    static func decode(_ line: StreamLine) -> Outcome {
        if line.startsAfterGap {
            return .invalid("starts after a gap: bytes before it were never captured, so its beginning may be missing")
        }
        switch line.ending {
        case .gap:
            return .invalid("cut by a gap: the bytes after it were never captured")
        case .partial:
            return .invalid("partial line: the stream ended before its line ending")
        case .crlf, .lf:
            break
        }
        if line.isTooLong {
            return .invalid("line-too-long: \(line.length) bytes, more than \(StreamLineSplitter.maxLineLength)")
        }
        do {
            switch try SensorLineParser.parse(bytes: line.bytes) {
            case .reading(let reading): return .reading(reading)
            case .hello(let name): return .hello(name: name)
            }
        } catch {
            return .invalid(error.message)
        }
    }

    /// How the annotations name this line: "reading 17", "the HELLO line", "line 5 (invalid)".
    var name: String {
        switch outcome {
        case .reading(let reading): return "reading \(reading.seq)"
        case .hello(let name): return "the HELLO line (device \(name))"
        case .invalid: return "line \(line.number) (not a valid reading)"
        }
    }
}
