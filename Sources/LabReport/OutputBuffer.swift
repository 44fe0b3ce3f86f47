import WireFormat

/// Bytes waiting to be written. Renderers append here; the caller decides where they go and when
/// (the CLI writes them to stdout in large chunks, tests read them as a string).
public struct OutputBuffer {
    public var bytes: [UInt8] = []

    public init(capacity: Int = 1 << 16) { bytes.reserveCapacity(capacity) }

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    @inline(__always)
    public mutating func append(_ string: String) {
        var string = string
        string.withUTF8 { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    public mutating func append(_ staticString: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: staticString.utf8Start, count: staticString.utf8CodeUnitCount))
    }

    @inline(__always)
    public mutating func append(byte: UInt8) { bytes.append(byte) }

    /// Decimal digits of `value` without going through `String`.
    @inline(__always)
    public mutating func append<T: BinaryInteger>(integer value: T) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            append(unsigned: UInt64(-Int64(value)))
        } else {
            append(unsigned: UInt64(value))
        }
    }

    @inline(__always)
    mutating func append(unsigned value: UInt64) {
        let start = bytes.count
        var rest = value
        repeat {
            bytes.append(UInt8(truncatingIfNeeded: rest % 10) &+ 48)
            rest /= 10
        } while rest > 0
        bytes[start...].reverse()
    }

    /// `value` left-padded with zeros to `width` digits (fractions of a second).
    mutating func append(zeroPadded value: Int, width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(truncatingIfNeeded: rest / divisor) &+ 48)
            rest %= divisor
            divisor /= 10
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lower-case hex of `data`, no separators.
    @inline(__always)
    mutating func append(hexOf data: UnsafeRawBufferPointer) {
        let digits = OutputBuffer.hexDigits
        for byte in data {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0xf)])
        }
    }

    /// A JSON string literal, escaped.
    mutating func append(jsonString string: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += [92, 34]
            case UInt8(ascii: "\\"): bytes += [92, 92]
            case 10: bytes += [92, 110]
            case 13: bytes += [92, 114]
            case 9: bytes += [92, 116]
            case 0..<0x20:
                bytes += Array("\\u00".utf8)
                bytes.append(OutputBuffer.hexDigits[Int(byte >> 4)])
                bytes.append(OutputBuffer.hexDigits[Int(byte & 0xf)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// An address in its text form, straight into the buffer (IPv4 without any `String`).
    mutating func append(address: IPAddress) {
        switch address {
        case .v4(let value):
            append(unsigned: UInt64(value >> 24)); bytes.append(46)
            append(unsigned: UInt64((value >> 16) & 0xff)); bytes.append(46)
            append(unsigned: UInt64((value >> 8) & 0xff)); bytes.append(46)
            append(unsigned: UInt64(value & 0xff))
        case .v6:
            append(address.description)
        }
    }
}
