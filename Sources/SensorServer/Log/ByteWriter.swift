import SensorProtocol

/// Appends text to raw memory the caller sized beforehand; lets the log writer build a line on the
/// stack instead of allocating a `String` per reading.
struct ByteWriter {
    private let base: UnsafeMutableRawPointer
    private let capacity: Int
    private(set) var count = 0

    init(_ buffer: UnsafeMutableRawBufferPointer) {
        self.base = buffer.baseAddress!
        self.capacity = buffer.count
    }

    var written: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: self.base, count: self.count) }

    mutating func byte(_ value: UInt8) {
        precondition(self.count < self.capacity, "ByteWriter: line longer than its buffer")
        self.base.storeBytes(of: value, toByteOffset: self.count, as: UInt8.self)
        self.count += 1
    }

    mutating func ascii(_ text: StaticString) {
        precondition(self.count + text.utf8CodeUnitCount <= self.capacity, "ByteWriter: line longer than its buffer")
        (self.base + self.count).copyMemory(from: text.utf8Start, byteCount: text.utf8CodeUnitCount)
        self.count += text.utf8CodeUnitCount
    }

    mutating func unsigned(_ value: UInt64) {
        var digits = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        precondition(self.count + digits <= self.capacity, "ByteWriter: line longer than its buffer")
        // Last digit first, from the end of the number's room backwards.
        var remaining = value
        var position = self.count + digits
        repeat {
            position -= 1
            self.base.storeBytes(of: UInt8(truncatingIfNeeded: 0x30 + remaining % 10), toByteOffset: position, as: UInt8.self)
            remaining /= 10
        } while remaining > 0
        self.count += digits
    }

    /// One decimal (`28.3`, `-0.5`) when that is exactly the value, as sensors send it; otherwise
    /// the shortest text that reads back as the same `Double`, so nothing is rounded away.
    mutating func decimal(_ value: Double) {
        let tenths = (value * 10).rounded()
        if tenths.magnitude < 1e15, tenths / 10 == value {
            let whole = Int64(tenths)
            if whole < 0 { self.byte(UInt8(ascii: "-")) }
            self.unsigned(whole.magnitude / 10)
            self.byte(UInt8(ascii: "."))
            self.byte(UInt8(truncatingIfNeeded: 0x30 + whole.magnitude % 10))
        } else {
            self.utf8(value.description)
        }
    }

    /// Where bytes already written into this buffer lie, to copy them again (see `repeatEarlier`).
    struct Span {
        var offset = 0
        var count = 0
    }

    /// Runs `write` and returns where its bytes went.
    mutating func span(_ write: (inout ByteWriter) -> Void) -> Span {
        let start = self.count
        write(&self)
        return Span(offset: start, count: self.count - start)
    }

    /// The bytes of an earlier `span` once more: a field the line before in this buffer already has.
    mutating func repeatEarlier(_ span: Span) {
        precondition(span.offset + span.count <= self.count, "ByteWriter: not written yet")
        precondition(self.count + span.count <= self.capacity, "ByteWriter: line longer than its buffer")
        (self.base + self.count).copyMemory(from: UnsafeRawPointer(self.base + span.offset), byteCount: span.count)
        self.count += span.count
    }

    mutating func timestamp(_ time: Timestamp) {
        precondition(self.count + 24 <= self.capacity, "ByteWriter: line longer than its buffer")
        self.count += time.writeISO8601(to: self.base + self.count)
    }

    mutating func utf8(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            precondition(self.count + bytes.count <= self.capacity, "ByteWriter: line longer than its buffer")
            if let source = bytes.baseAddress { (self.base + self.count).copyMemory(from: source, byteCount: bytes.count) }
            self.count += bytes.count
        }
    }

    /// A JSON string with quotes (`JSONEscaping`, the one escaper).
    mutating func jsonString(_ text: String) {
        JSONEscaping.appendQuoted(text, to: &self)
    }

    /// A CSV field, quoted (RFC 4180) only when it holds a comma, quote or line break.
    mutating func csvField(_ text: String) {
        let needsQuotes = text.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 < 0x20 }
        guard needsQuotes else {
            self.utf8(text)
            return
        }
        self.byte(UInt8(ascii: "\""))
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\"") { self.byte(byte) }
            self.byte(byte)
        }
        self.byte(UInt8(ascii: "\""))
    }

    /// Room a line needs in the worst case, so callers can size the buffer up front.
    static func worstCaseLength(device: String, peer: String) -> Int {
        // Fixed text and numbers stay under 200 bytes; each string byte may become 6 (\u00XX).
        200 + 6 * (device.utf8.count + peer.utf8.count)
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? 0x30 + value : 0x61 + value - 10
    }
}

extension ByteWriter: JSONByteSink {
    mutating func appendJSONBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let start = bytes.baseAddress, !bytes.isEmpty else { return }
        precondition(self.count + bytes.count <= self.capacity, "ByteWriter: line longer than its buffer")
        (self.base + self.count).copyMemory(from: start, byteCount: bytes.count)
        self.count += bytes.count
    }
}
