/// A TCP sequence or acknowledgement number: 32 bits that wrap around.
///
/// All comparison and arithmetic is modular (RFC 793 / RFC 1982 serial-number arithmetic), so a
/// connection that crosses 2^32 keeps working. No raw `UInt32` arithmetic on sequence numbers
/// anywhere else in tcplab.
public struct SequenceNumber: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: UInt32

    @inline(__always)
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    /// The signed distance from `self` forward to `other` (negative when `other` is behind).
    @inline(__always)
    public func distance(to other: SequenceNumber) -> Int {
        Int(Int32(bitPattern: other.rawValue &- rawValue))
    }

    @inline(__always)
    public static func + (lhs: SequenceNumber, rhs: Int) -> SequenceNumber {
        SequenceNumber(lhs.rawValue &+ UInt32(truncatingIfNeeded: rhs))
    }

    @inline(__always)
    public static func - (lhs: SequenceNumber, rhs: Int) -> SequenceNumber {
        SequenceNumber(lhs.rawValue &- UInt32(truncatingIfNeeded: rhs))
    }

    /// `lhs` comes before `rhs` in sequence space (within half the space).
    @inline(__always)
    public static func < (lhs: SequenceNumber, rhs: SequenceNumber) -> Bool {
        lhs.distance(to: rhs) > 0
    }

    /// The number relative to `base`, as Wireshark shows it (0 ..< 2^32).
    @inline(__always)
    public func relative(to base: SequenceNumber) -> UInt32 { rawValue &- base.rawValue }

    public var description: String { String(rawValue) }
}
