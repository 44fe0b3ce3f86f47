/// Something JSON text is written into, a run of bytes at a time.
public protocol JSONByteSink: ~Copyable {
    mutating func appendJSONBytes(_ bytes: UnsafeBufferPointer<UInt8>)
}

/// The one JSON string escaper of tcplab, for every JSON it writes (packets, readings, the
/// server's events and its log): `"` and `\` escaped, `\n`, `\r` and `\t` in their short forms,
/// other control characters as `\u00XX` (lower-case hex), every other byte — UTF-8 included — as
/// it is. A byte becomes at most six.
public enum JSONEscaping {
    /// `text` as a JSON string literal, quotes included, into `sink`. Runs of plain bytes are
    /// copied in one go: most strings need no escaping.
    @inlinable
    public static func appendQuoted<Sink: JSONByteSink & ~Copyable>(_ text: String, to sink: inout Sink) {
        var text = text
        text.withUTF8 { utf8 in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 6) { escape in
                escape[0] = UInt8(ascii: "\"")
                sink.appendJSONBytes(UnsafeBufferPointer(rebasing: escape[0..<1]))
                var runStart = 0
                for index in 0..<utf8.count {
                    let byte = utf8[index]
                    guard byte < 0x20 || byte == 0x22 || byte == 0x5c else { continue }
                    sink.appendJSONBytes(UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                    escape[0] = UInt8(ascii: "\\")
                    var length = 2
                    switch byte {
                    case 0x22, 0x5c: escape[1] = byte
                    case 10: escape[1] = UInt8(ascii: "n")
                    case 13: escape[1] = UInt8(ascii: "r")
                    case 9: escape[1] = UInt8(ascii: "t")
                    default:
                        escape[1] = UInt8(ascii: "u"); escape[2] = UInt8(ascii: "0"); escape[3] = UInt8(ascii: "0")
                        escape[4] = hexDigit(byte >> 4); escape[5] = hexDigit(byte & 0xf)
                        length = 6
                    }
                    sink.appendJSONBytes(UnsafeBufferPointer(rebasing: escape[0..<length]))
                    runStart = index + 1
                }
                sink.appendJSONBytes(UnsafeBufferPointer(rebasing: utf8[runStart...]))
                escape[0] = UInt8(ascii: "\"")
                sink.appendJSONBytes(UnsafeBufferPointer(rebasing: escape[0..<1]))
            }
        }
    }

    /// `text` as a JSON string literal, quotes included.
    public static func quoted(_ text: String) -> String {
        var bytes = ByteArraySink()
        appendQuoted(text, to: &bytes)
        return String(decoding: bytes.bytes, as: UTF8.self)
    }

    @inlinable
    static func hexDigit(_ value: UInt8) -> UInt8 { value < 10 ? 0x30 + value : 0x61 + value - 10 }
}

/// Collects JSON bytes in an array.
public struct ByteArraySink: JSONByteSink {
    public var bytes: [UInt8] = []
    public init() {}
    public mutating func appendJSONBytes(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes.append(contentsOf: bytes) }
}
