/// A line for the terminal and the stream it belongs on: readings and connection events on
/// standard output, rejected lines on standard error (so `2>rejects.txt` separates them).
public struct ConsoleLine: Sendable, Hashable {
    public enum Stream: Sendable, Hashable {
        case standardOutput
        case standardError
    }

    public var text: String
    public var stream: Stream

    public init(_ text: String, on stream: Stream = .standardOutput) {
        self.text = text
        self.stream = stream
    }
}
