/// Cisco HDLC (DLT_C_HDLC, and Cisco framing on PPP links, RFC 1547 §4.3.1): address, control,
/// then an EtherType.
public struct CiscoHDLCHeader: Equatable, Sendable {
    /// 0x0f unicast, 0x8f broadcast.
    public var address: UInt8
    public var control: UInt8
    public var protocolType: UInt16

    public init(address: UInt8 = 0x0f, control: UInt8 = 0, protocolType: UInt16) {
        self.address = address
        self.control = control
        self.protocolType = protocolType
    }

    public static let headerLength = 4
    public static let unicast: UInt8 = 0x0f, broadcast: UInt8 = 0x8f

    public static func parse(_ bytes: UnsafeRawBufferPointer) throws -> CiscoHDLCHeader {
        guard bytes.count >= 4 else { throw DecodeError.truncated("Cisco HDLC", "header", need: 4, have: bytes.count) }
        return CiscoHDLCHeader(address: bytes[0], control: bytes[1], protocolType: bytes.u16(2))
    }

    public func encode() -> [UInt8] {
        var out = [address, control]
        out.append16(protocolType)
        return out
    }

    /// What tcplab decodes after it, as Wireshark's table does: IPv4, IPv6, MPLS; nil otherwise
    /// (SLARP, CDP, OSI, …).
    public var etherType: UInt16? {
        [EtherType.ipv4, EtherType.ipv6, EtherType.mpls, EtherType.mplsMulticast].contains(protocolType) ? protocolType : nil
    }

    public var protocolName: String {
        switch protocolType {
        case 0x8035: return "SLARP"   // Cisco's keep-alive and address protocol, not RARP here
        case 0xfefe: return "OSI"
        default: return EtherType.name(protocolType) ?? "EtherType 0x" + hex(protocolType, digits: 4)
        }
    }
}
