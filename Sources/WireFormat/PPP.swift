/// A PPP header (RFC 1661): the protocol field, after the address and control bytes of the
/// HDLC-like framing (RFC 1662) when the link sends them.
public struct PPPHeader: Equatable, Sendable {
    /// How the frame starts before the protocol field.
    public enum Framing: Sendable {
        /// DLT_PPP, DLT_PPP_SERIAL, PPP in GRE: 0xff 0x03 first, unless compressed away (ACFC).
        case hdlcLike
        /// DLT_PPP_PPPD: the address byte replaced by the direction, 0x00 in or 0x01 out (as tcpdump reads it).
        case withDirection
        /// PPPoE: the protocol field alone.
        case bare
    }

    /// The HDLC-like address byte (0xff) when the frame starts with one.
    public var address: UInt8?
    /// The control byte (0x03), present with the address or the direction.
    public var control: UInt8?
    /// DLT_PPP_PPPD only: true when the host sent the frame.
    public var sent: Bool?
    public var protocolNumber: UInt16
    /// 1 when the sender compressed the protocol field (PFC, RFC 1661 §6.5: an odd first byte).
    public var protocolFieldLength: Int

    public init(address: UInt8? = nil, control: UInt8? = nil, sent: Bool? = nil, protocolNumber: UInt16,
                protocolFieldLength: Int = 2) {
        self.address = address
        self.control = control
        self.sent = sent
        self.protocolNumber = protocolNumber
        self.protocolFieldLength = protocolFieldLength
    }

    public var headerLength: Int { (control == nil ? 0 : 2) + protocolFieldLength }

    public static func parse(_ bytes: UnsafeRawBufferPointer, framing: Framing) throws -> PPPHeader {
        var header = PPPHeader(protocolNumber: 0)
        var offset = 0
        switch framing {
        case .hdlcLike:
            // Wireshark's rule: 0xff first means address and control are there (whatever the control byte).
            if bytes.count >= 1 && bytes[0] == 0xff {
                guard bytes.count >= 2 else { throw DecodeError.truncated("PPP", "control", need: 2, have: bytes.count) }
                header.address = 0xff
                header.control = bytes[1]
                offset = 2
            }
        case .withDirection:
            guard bytes.count >= 2 else { throw DecodeError.truncated("PPP", "direction and control", need: 2, have: bytes.count) }
            if bytes[0] == 0xff { header.address = 0xff } else { header.sent = bytes[0] != 0 }
            header.control = bytes[1]
            offset = 2
        case .bare:
            break
        }
        guard bytes.count > offset else { throw DecodeError.truncated("PPP", "protocol", need: offset + 1, have: bytes.count) }
        if bytes[offset] & 1 == 1 {
            header.protocolNumber = UInt16(bytes[offset])
            header.protocolFieldLength = 1
        } else {
            guard bytes.count >= offset + 2 else {
                throw DecodeError.truncated("PPP", "protocol", need: offset + 2, have: bytes.count)
            }
            header.protocolNumber = bytes.u16(offset)
        }
        return header
    }

    public func encode() -> [UInt8] {
        var out: [UInt8] = []
        if let control { out += [sent.map { $0 ? 1 : 0 } ?? address ?? 0xff, control] }
        if protocolFieldLength == 1 { out.append(UInt8(truncatingIfNeeded: protocolNumber)) } else { out.append16(protocolNumber) }
        return out
    }

    /// The network layer this frame carries, as an EtherType; nil for PPP's own control
    /// protocols and for what tcplab does not decode.
    public var etherType: UInt16? {
        switch protocolNumber {
        case 0x0021: return EtherType.ipv4
        case 0x0057: return EtherType.ipv6
        case 0x0281: return EtherType.mpls
        case 0x0283: return EtherType.mplsMulticast
        default: return nil
        }
    }

    public var protocolName: String {
        switch protocolNumber {
        case 0x0021: return "IPv4"
        case 0x0057: return "IPv6"
        case 0x0281: return "MPLS"
        case 0x0283: return "MPLS multicast"
        case 0x002d: return "Van Jacobson compressed TCP/IP"
        case 0x002f: return "Van Jacobson uncompressed TCP/IP"
        case 0x003d: return "Multilink"
        case 0x00fd: return "compressed datagram"
        case 0xc021: return "LCP"
        case 0xc023: return "PAP"
        case 0xc223: return "CHAP"
        case 0x8021: return "IPCP"
        case 0x8057: return "IPv6CP"
        case 0x8281: return "MPLSCP"
        case 0x80fd: return "CCP"
        default: return "protocol 0x" + hex(protocolNumber, digits: 4)
        }
    }
}

/// A PPPoE header (RFC 2516): six bytes before the PPP protocol field in a session frame (EtherType 0x8864).
public struct PPPoEHeader: Equatable, Sendable {
    public var version: UInt8 = 1
    public var type: UInt8 = 1
    /// 0 for session data; the discovery codes (PADI 0x09, PADO 0x07, …) use EtherType 0x8863.
    public var code: UInt8 = 0
    public var sessionID: UInt16
    /// The bytes after this header: the PPP protocol field and its payload.
    public var length: UInt16

    public init(sessionID: UInt16, length: UInt16, code: UInt8 = 0) {
        self.sessionID = sessionID
        self.length = length
        self.code = code
    }

    public static let headerLength = 6

    public static func parse(_ bytes: UnsafeRawBufferPointer) throws -> PPPoEHeader {
        guard bytes.count >= 6 else { throw DecodeError.truncated("PPPoE", "header", need: 6, have: bytes.count) }
        var header = PPPoEHeader(sessionID: bytes.u16(2), length: bytes.u16(4), code: bytes[1])
        header.version = bytes[0] >> 4
        header.type = bytes[0] & 0x0f
        return header
    }

    public func encode() -> [UInt8] {
        var out = [version << 4 | type & 0x0f, code]
        out.append16(sessionID)
        out.append16(length)
        return out
    }
}
