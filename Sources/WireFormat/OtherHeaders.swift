/// The non-TCP layers tcplab summarises in one line: they still count as frames.

public struct UDPHeader: Equatable, Sendable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var length: UInt16

    public static func parse(_ bytes: UnsafeRawBufferPointer) throws -> UDPHeader {
        guard bytes.count >= 8 else { throw DecodeError.truncated("UDP", "header", need: 8, have: bytes.count) }
        return UDPHeader(sourcePort: bytes.u16(0), destinationPort: bytes.u16(2), length: bytes.u16(4))
    }
}

/// ICMP or ICMPv6: type and code, and for an error message the packet it quotes.
public struct ICMPHeader: Equatable, Sendable {
    public var version: Int      // 4 or 6
    public var type: UInt8
    public var code: UInt8
    public var quoted: ICMPQuote?

    public init(version: Int, type: UInt8, code: UInt8, quoted: ICMPQuote? = nil) {
        self.version = version
        self.type = type
        self.code = code
        self.quoted = quoted
    }

    public static func parse(_ bytes: UnsafeRawBufferPointer, version: Int) throws -> ICMPHeader {
        let layer = version == 6 ? "ICMPv6" : "ICMP"
        guard bytes.count >= 4 else { throw DecodeError.truncated(layer, "header", need: 4, have: bytes.count) }
        var header = ICMPHeader(version: version, type: bytes.u8(0), code: bytes.u8(1))
        if ICMPQuote.isError(type: header.type, version: version) {
            header.quoted = ICMPQuote.parse(bytes.tail(from: 8))
        }
        return header
    }

    public var summary: String {
        switch (version, type) {
        case (4, 0), (6, 129): return "echo reply"
        case (4, 8), (6, 128): return "echo request"
        case (4, 3): return "destination unreachable (code \(code))"
        case (6, 1): return "destination unreachable (code \(code))"
        case (4, 11), (6, 3): return "time exceeded"
        case (4, 4): return "source quench"
        case (4, 5): return "redirect (code \(code))"
        case (4, 12), (6, 4): return "parameter problem"
        case (6, 2): return "packet too big"
        case (6, 133): return "router solicitation"
        case (6, 134): return "router advertisement"
        case (6, 135): return "neighbor solicitation"
        case (6, 136): return "neighbor advertisement"
        case (6, 143): return "multicast listener report v2"
        default: return "type \(type) code \(code)"
        }
    }
}

/// ARP for IPv4, over any link: the address lengths come from the packet (6 on Ethernet, 1 on
/// ARCNET, 20 on InfiniBand).
public struct ARPHeader: Equatable, Sendable {
    public var operation: UInt16
    public var senderHardwareAddress: [UInt8]
    /// Nil when the protocol addresses are not 4 bytes (not IPv4).
    public var senderIP: UInt32?
    public var targetIP: UInt32?

    public static func parse(_ bytes: UnsafeRawBufferPointer) throws -> ARPHeader {
        guard bytes.count >= 8 else { throw DecodeError.truncated("ARP", "header", need: 8, have: bytes.count) }
        let hardwareLength = Int(bytes[4]), protocolLength = Int(bytes[5])
        let need = 8 + 2 * (hardwareLength + protocolLength)
        guard bytes.count >= need else { throw DecodeError.truncated("ARP", "addresses", need: need, have: bytes.count) }
        let ipv4 = protocolLength == 4
        return ARPHeader(operation: bytes.u16(6), senderHardwareAddress: Array(bytes[8..<(8 + hardwareLength)]),
                         senderIP: ipv4 ? bytes.u32(8 + hardwareLength) : nil,
                         targetIP: ipv4 ? bytes.u32(8 + 2 * hardwareLength + 4) : nil)
    }

    public var summary: String {
        guard let senderIP, let targetIP else { return "ARP operation \(operation) (not for IPv4)" }
        let sender = IPAddress.v4(senderIP), target = IPAddress.v4(targetIP)
        switch operation {
        case 1: return "ARP who-has \(target) tell \(sender)"
        case 2: return "ARP \(sender) is-at \(hardwareText)"
        default: return "ARP operation \(operation)"
        }
    }

    /// A 6-byte address as a MAC address, others as hex bytes joined by ":" (as Wireshark shows them).
    private var hardwareText: String {
        senderHardwareAddress.map { hex($0, digits: 2) }.joined(separator: ":")
    }
}
