/// Payload bytes as `tcpdump -X` shows them: offset, 16 bytes in groups of two, then ASCII.
public enum HexDump {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Lines like `0x0000:  3132 2c31 3233 3435 3637 2c32 382e 332c  12,1234567,28.3,`.
    public static func lines(_ bytes: UnsafeRawBufferPointer, indent: String = "    ") -> [String] {
        var lines: [String] = []
        forEachLine(bytes, indent: indent) { lines.append(String(decoding: $0, as: UTF8.self)) }
        return lines
    }

    /// The same lines, each handed over as bytes (without a newline) in one reused buffer: a
    /// payload-heavy capture prints millions of them, so no string is made for any.
    public static func forEachLine(_ bytes: UnsafeRawBufferPointer, indent: String = "    ",
                                   _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var line = Array(indent.utf8)
        let start = line.count
        line.reserveCapacity(start + 8 + 40 + 1 + 16)
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + 16, bytes.count)
            line.removeSubrange(start...)
            line.append(UInt8(ascii: "0")); line.append(UInt8(ascii: "x"))
            for shift in stride(from: 12, through: 0, by: -4) { line.append(digits[(offset >> shift) & 0xf]) }
            line.append(UInt8(ascii: ":")); line.append(32); line.append(32)
            for i in offset..<(offset + 16) {
                if i < end {
                    line.append(digits[Int(bytes[i] >> 4)])
                    line.append(digits[Int(bytes[i] & 0xf)])
                } else {
                    line.append(32); line.append(32)
                }
                if (i - offset) % 2 == 1 { line.append(32) }
            }
            line.append(32)
            for i in offset..<end {
                let byte = bytes[i]
                line.append((0x20...0x7e).contains(byte) ? byte : UInt8(ascii: "."))
            }
            line.withUnsafeBufferPointer(body)
            offset = end
        }
    }

    /// Lower-case hex, no separators (the JSON contract's `payload_hex`).
    public static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
