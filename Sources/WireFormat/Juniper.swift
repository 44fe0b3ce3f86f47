/// The header Juniper routers put on captured packets (DLT_JUNIPER_ETHER and the other
/// DLT_JUNIPER_* types): "MGC", a flags byte, with flag 0x80 a 2-byte length and that many bytes
/// of extension TLVs (interface index, media type, …). Then the link layer, or with flag 0x02
/// ("no L2") a 4-byte protocol in host order and the network layer.
public struct JuniperHeader: Equatable, Sendable {
    public var flags: UInt8
    /// The bytes of extension TLVs (0 without the extension flag).
    public var extensionLength: Int
    /// Only without a link layer: JUNOS's protocol number (2 IPv4, 6 IPv6, …).
    public var payloadProtocol: UInt32?

    public init(flags: UInt8, extensionLength: Int = 0, payloadProtocol: UInt32? = nil) {
        self.flags = flags
        self.extensionLength = extensionLength
        self.payloadProtocol = payloadProtocol
    }

    public static let incoming: UInt8 = 0x01, noLinkLayer: UInt8 = 0x02, extensions: UInt8 = 0x80

    public var isIncoming: Bool { flags & JuniperHeader.incoming != 0 }
    public var hasLinkLayer: Bool { flags & JuniperHeader.noLinkLayer == 0 }

    public var headerLength: Int {
        4 + (flags & JuniperHeader.extensions != 0 ? 2 + extensionLength : 0) + (hasLinkLayer ? 0 : 4)
    }

    public static func parse(_ bytes: UnsafeRawBufferPointer) throws -> JuniperHeader {
        guard bytes.count >= 4 else { throw DecodeError.truncated("Juniper", "magic and flags", need: 4, have: bytes.count) }
        guard bytes[0] == 0x4d && bytes[1] == 0x47 && bytes[2] == 0x43 else {   // "MGC"
            throw DecodeError(.malformed, layer: "Juniper", field: "magic number", expected: "\"MGC\" (0x4d4743)",
                              found: "0x" + hex(UInt32(bytes[0]) << 16 | UInt32(bytes[1]) << 8 | UInt32(bytes[2]), digits: 6))
        }
        var header = JuniperHeader(flags: bytes[3])
        if header.flags & extensions != 0 {
            guard bytes.count >= 6 else { throw DecodeError.truncated("Juniper", "extension length", need: 6, have: bytes.count) }
            header.extensionLength = Int(bytes.u16(4))
        }
        if !header.hasLinkLayer {
            let at = header.headerLength - 4
            guard bytes.count >= at + 4 else { throw DecodeError.truncated("Juniper", "protocol", need: at + 4, have: bytes.count) }
            header.payloadProtocol = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self))
        }
        guard bytes.count >= header.headerLength else {
            throw DecodeError.truncated("Juniper", "extensions", need: header.headerLength, have: bytes.count)
        }
        return header
    }

    /// Without a link layer: the payload as an EtherType (Wireshark's payload table for these).
    public var etherType: UInt16? {
        switch payloadProtocol {
        case 2?, 3?: return EtherType.ipv4    // IPv4, and IPv4 that arrived over MPLS
        case 6?, 7?: return EtherType.ipv6
        case 4?, 5?, 8?: return EtherType.mpls
        default: return nil
        }
    }
}
