/// An IPv4 header (RFC 791), options kept as bytes.
public struct IPv4Header: Equatable, Sendable {
    public var headerLength: Int              // bytes: IHL × 4
    public var typeOfService: UInt8
    public var totalLength: UInt16
    public var identification: UInt16
    public var dontFragment: Bool
    public var moreFragments: Bool
    public var fragmentOffset: UInt16         // in 8-byte units
    public var timeToLive: UInt8
    public var protocolNumber: UInt8
    public var checksum: UInt16
    public var source: UInt32
    public var destination: UInt32
    public var options: [UInt8]

    public init(typeOfService: UInt8 = 0, totalLength: UInt16, identification: UInt16 = 0,
                dontFragment: Bool = true, moreFragments: Bool = false, fragmentOffset: UInt16 = 0,
                timeToLive: UInt8 = 64, protocolNumber: UInt8, checksum: UInt16 = 0,
                source: UInt32, destination: UInt32, options: [UInt8] = []) {
        self.headerLength = 20 + options.count
        self.typeOfService = typeOfService
        self.totalLength = totalLength
        self.identification = identification
        self.dontFragment = dontFragment
        self.moreFragments = moreFragments
        self.fragmentOffset = fragmentOffset
        self.timeToLive = timeToLive
        self.protocolNumber = protocolNumber
        self.checksum = checksum
        self.source = source
        self.destination = destination
        self.options = options
    }

    /// Part of a fragmented datagram (only the first fragment carries the transport header).
    public var isFragment: Bool { moreFragments || fragmentOffset != 0 }

    public var sourceAddress: IPAddress { .v4(source) }
    public var destinationAddress: IPAddress { .v4(destination) }

    public static func parse(_ bytes: UnsafeRawBufferPointer) throws -> IPv4Header {
        guard bytes.count >= 20 else { throw DecodeError.truncated("IPv4", "header", need: 20, have: bytes.count) }
        let version = bytes.u8(0) >> 4
        guard version == 4 else {
            throw DecodeError(.malformed, layer: "IPv4", field: "version", expected: "4", found: "\(version)")
        }
        let headerLength = Int(bytes.u8(0) & 0x0f) * 4
        guard headerLength >= 20 else {
            throw DecodeError(.malformed, layer: "IPv4", field: "header length",
                              expected: "at least 20 bytes (IHL ≥ 5)", found: "\(headerLength) bytes")
        }
        guard bytes.count >= headerLength else {
            throw DecodeError.truncated("IPv4", "options", need: headerLength, have: bytes.count)
        }
        let totalLength = bytes.u16(2)
        // Linux captures of TSO/GSO segments can show total length 0; anything else below the
        // header length is impossible.
        guard totalLength == 0 || Int(totalLength) >= headerLength else {
            throw DecodeError(.malformed, layer: "IPv4", field: "total length",
                              expected: "at least the header length (\(headerLength))", found: "\(totalLength)")
        }
        let flagsAndOffset = bytes.u16(6)
        return IPv4Header(
            typeOfService: bytes.u8(1), totalLength: totalLength, identification: bytes.u16(4),
            dontFragment: flagsAndOffset & 0x4000 != 0, moreFragments: flagsAndOffset & 0x2000 != 0,
            fragmentOffset: flagsAndOffset & 0x1fff, timeToLive: bytes.u8(8), protocolNumber: bytes.u8(9),
            checksum: bytes.u16(10), source: bytes.u32(12), destination: bytes.u32(16),
            options: headerLength > 20 ? Array(bytes[20..<headerLength]) : [])
    }

    public func encode() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(headerLength)
        out.append(0x40 | UInt8(headerLength / 4))
        out.append(typeOfService)
        out.append16(totalLength)
        out.append16(identification)
        out.append16((dontFragment ? 0x4000 : 0) | (moreFragments ? 0x2000 : 0) | fragmentOffset)
        out.append(timeToLive)
        out.append(protocolNumber)
        out.append16(checksum)
        out.append32(source)
        out.append32(destination)
        out += options
        return out
    }

    /// The header checksum computed over the encoded header (with the checksum field as zero).
    public func computedChecksum() -> UInt16 {
        var copy = self
        copy.checksum = 0
        return InternetChecksum.compute(copy.encode())
    }
}

/// The 16-bit one's-complement checksum of IP, TCP, UDP and ICMP (RFC 1071).
public enum InternetChecksum {
    public static func compute(_ bytes: [UInt8], initial: UInt32 = 0) -> UInt16 {
        var sum = initial
        var i = 0
        while i + 1 < bytes.count {
            sum &+= UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1])
            i += 2
        }
        if i < bytes.count { sum &+= UInt32(bytes[i]) << 8 }
        while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }
}
