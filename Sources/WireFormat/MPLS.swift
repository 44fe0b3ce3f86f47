/// One MPLS label stack entry (RFC 3032): label (20 bits), traffic class (3), bottom of
/// stack (1), TTL (8).
public struct MPLSLabel: Equatable, Sendable {
    public var label: UInt32
    public var trafficClass: UInt8
    public var bottomOfStack: Bool
    public var timeToLive: UInt8

    public init(label: UInt32, trafficClass: UInt8 = 0, bottomOfStack: Bool, timeToLive: UInt8 = 64) {
        self.label = label & 0xfffff
        self.trafficClass = trafficClass & 7
        self.bottomOfStack = bottomOfStack
        self.timeToLive = timeToLive
    }

    public static let entryLength = 4
    /// The Generic Associated Channel label (RFC 5586): an OAM message follows, not a packet.
    public static let gal: UInt32 = 13

    public static func parse(_ bytes: UnsafeRawBufferPointer) throws -> MPLSLabel {
        guard bytes.count >= 4 else { throw DecodeError.truncated("MPLS", "label stack entry", need: 4, have: bytes.count) }
        let entry = bytes.u32(0)
        return MPLSLabel(label: entry >> 12, trafficClass: UInt8(entry >> 9 & 7), bottomOfStack: entry & 0x100 != 0,
                         timeToLive: UInt8(entry & 0xff))
    }

    public func encode() -> [UInt8] {
        var out: [UInt8] = []
        out.append32(label << 12 | UInt32(trafficClass) << 9 | (bottomOfStack ? 0x100 : 0) | UInt32(timeToLive))
        return out
    }

    /// MPLS does not say what follows the stack: like Wireshark, read the first nibble (4 IPv4,
    /// 6 IPv6, 0 a pseudowire with a control word or an Ethernet frame, 1 an associated channel).
    public static func guessPayload(firstByte: UInt8) -> UInt16? {
        switch firstByte >> 4 {
        case 4: return EtherType.ipv4
        case 6: return EtherType.ipv6
        default: return nil
        }
    }
}
