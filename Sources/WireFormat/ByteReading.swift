/// Big-endian reads from a buffer whose length the caller has already checked.
///
/// Every header type checks its length once, up front (smoltcp's convention), so these
/// accessors can read without further checks.
extension UnsafeRawBufferPointer {
    @inline(__always)
    func u8(_ offset: Int) -> UInt8 { self[offset] }

    @inline(__always)
    func u16(_ offset: Int) -> UInt16 {
        UInt16(self[offset]) << 8 | UInt16(self[offset + 1])
    }

    @inline(__always)
    func u32(_ offset: Int) -> UInt32 {
        UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    func u64(_ offset: Int) -> UInt64 {
        UInt64(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The bytes from `offset` on (empty when past the end).
    @inline(__always)
    func tail(from offset: Int) -> UnsafeRawBufferPointer {
        offset >= count ? UnsafeRawBufferPointer(start: nil, count: 0) : UnsafeRawBufferPointer(rebasing: self[offset...])
    }

    @inline(__always)
    func prefix(upTo length: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: self[..<Swift.min(length, count)])
    }
}

/// Big-endian writes, for `encode()`.
extension Array where Element == UInt8 {
    mutating func append16(_ value: UInt16) {
        append(UInt8(value >> 8)); append(UInt8(value & 0xff))
    }

    mutating func append32(_ value: UInt32) {
        append16(UInt16(value >> 16)); append16(UInt16(value & 0xffff))
    }
}

/// `value` in lower-case hex, zero-padded to `digits`.
func hex<T: BinaryInteger>(_ value: T, digits: Int) -> String {
    let text = String(value, radix: 16)
    return String(repeating: "0", count: max(0, digits - text.count)) + text
}
