import SensorProtocol
import TCPAnalysis
import WireFormat

/// Bytes waiting to be written. Renderers append here; the caller decides where they go and when
/// (the CLI writes them to stdout in large chunks, tests read them as a string).
///
/// A non-copyable struct over raw memory rather than a `[UInt8]` or a class: appending is the
/// innermost loop of `read --format json`; an array re-checks uniqueness on every byte and a class
/// pays a dynamic exclusivity check on every access, while `inout` on a struct is checked statically.
public struct OutputBuffer: ~Copyable {
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    public private(set) var count = 0

    public init(capacity: Int = 1 << 17) {
        self.capacity = capacity
        storage = .allocate(capacity: capacity)
    }

    deinit { storage.deallocate() }

    public var text: String { String(decoding: bytesView, as: UTF8.self) }

    public var bytesView: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage, count: count) }

    public mutating func removeAll() { count = 0 }

    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    private mutating func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.update(from: storage, count: count)
        storage.deallocate()
        storage = bigger
        capacity = newCapacity
    }

    @inline(__always)
    public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        reserve(bytes.count)
        if let base = bytes.baseAddress { (storage + count).update(from: base, count: bytes.count) }
        count += bytes.count
    }

    @inline(__always)
    public mutating func append(_ string: String) {
        var string = string
        string.withUTF8 { append($0) }
    }

    @inline(__always)
    public mutating func append(_ staticString: StaticString) {
        append(UnsafeBufferPointer(start: staticString.utf8Start, count: staticString.utf8CodeUnitCount))
    }

    @inline(__always)
    public mutating func append(byte: UInt8) {
        reserve(1)
        storage[count] = byte
        count += 1
    }

    /// Decimal digits of `value` without going through `String`.
    @inline(__always)
    public mutating func append<T: BinaryInteger>(integer value: T) {
        if value < 0 {
            append(byte: UInt8(ascii: "-"))
            append(unsigned: UInt64(-Int64(value)))
        } else {
            append(unsigned: UInt64(value))
        }
    }

    @inline(__always)
    mutating func append(unsigned value: UInt64) {
        reserve(20)
        let start = count
        var rest = value
        repeat {
            storage[count] = UInt8(truncatingIfNeeded: rest % 10) &+ 48
            count += 1
            rest /= 10
        } while rest > 0
        var low = start, high = count - 1
        while low < high {
            let swap = storage[low]; storage[low] = storage[high]; storage[high] = swap
            low += 1; high -= 1
        }
    }

    /// A capture time as tshark's `frame.time_epoch` writes it: seconds, a point, nine digits of
    /// nanoseconds. An impossible fraction (a damaged record) is written as tshark writes it too —
    /// a negative one as "-SECONDS.NANOS", one of a second or more with all its digits — which is
    /// still a valid JSON number.
    mutating func append(timestamp packet: AnalyzedPacket) {
        let nanoseconds = packet.signedNanoseconds
        if nanoseconds < 0 { append(byte: UInt8(ascii: "-")) }
        append(integer: packet.seconds)
        append(byte: UInt8(ascii: "."))
        let fraction = nanoseconds.magnitude
        if fraction < 1_000_000_000 {
            append(zeroPadded: Int(fraction), width: 9)
        } else {
            append(integer: fraction)
        }
    }

    /// A duration in seconds with nine decimals, as tshark writes `tcp.analysis.ack_rtt`.
    mutating func append(nanoseconds: Int64) {
        if nanoseconds < 0 { append(byte: UInt8(ascii: "-")) }
        append(unsigned: UInt64(nanoseconds.magnitude / 1_000_000_000))
        append(byte: UInt8(ascii: "."))
        append(zeroPadded: Int(nanoseconds.magnitude % 1_000_000_000), width: 9)
    }

    /// `value` left-padded with zeros to `width` digits (fractions of a second).
    mutating func append(zeroPadded value: Int, width: Int) {
        reserve(width)
        var rest = value
        for position in stride(from: count + width - 1, through: count, by: -1) {
            storage[position] = UInt8(truncatingIfNeeded: rest % 10) &+ 48
            rest /= 10
        }
        count += width
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lower-case hex of `data`, no separators.
    @inline(__always)
    mutating func append(hexOf data: UnsafeRawBufferPointer) {
        reserve(data.count * 2)
        OutputBuffer.hexDigits.withUnsafeBufferPointer { digits in
            for byte in data {
                storage[count] = digits[Int(byte >> 4)]
                storage[count + 1] = digits[Int(byte & 0xf)]
                count += 2
            }
        }
    }

    /// A JSON string literal, escaped (`JSONEscaping`, the one escaper).
    mutating func append(jsonString string: String) {
        JSONEscaping.appendQuoted(string, to: &self)
    }

    /// An address in its text form, straight into the buffer (IPv4 without any `String`).
    mutating func append(address: IPAddress) {
        switch address {
        case .v4(let value):
            append(unsigned: UInt64(value >> 24)); append(byte: 46)
            append(unsigned: UInt64((value >> 16) & 0xff)); append(byte: 46)
            append(unsigned: UInt64((value >> 8) & 0xff)); append(byte: 46)
            append(unsigned: UInt64(value & 0xff))
        case .v6:
            append(address.description)
        }
    }
}

extension OutputBuffer: JSONByteSink {
    public mutating func appendJSONBytes(_ bytes: UnsafeBufferPointer<UInt8>) { append(bytes) }
}
