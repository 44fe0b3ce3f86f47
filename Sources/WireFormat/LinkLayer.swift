/// The link-layer header types tcplab decodes, by libpcap's DLT / LINKTYPE number.
public enum LinkType: Equatable, Sendable, CustomStringConvertible {
    case ethernet          // DLT_EN10MB: Ethernet, and Linux loopback
    case null              // DLT_NULL: BSD loopback, family in host byte order (macOS lo0)
    case loop              // DLT_LOOP: OpenBSD loopback, family in network byte order
    case raw               // DLT_RAW / LINKTYPE_RAW: the packet starts with an IP header
    case ipv4, ipv6        // DLT_IPV4, DLT_IPV6
    case linuxCooked       // DLT_LINUX_SLL: `-i any` on Linux, version 1
    case linuxCooked2      // DLT_LINUX_SLL2: `-i any`, version 2
    case ppp               // DLT_PPP, DLT_PPP_SERIAL: PPP, with the HDLC-like address and control bytes or without
    case pppWithDirection  // DLT_PPP_PPPD: as DLT_PPP, but the address byte says the direction (0 in, 1 out)
    case ciscoHDLC         // DLT_C_HDLC: Cisco HDLC, an EtherType after address and control
    case arcnet            // DLT_ARCNET: ARCNET as BSD stores it
    case arcnetLinux       // DLT_ARCNET_LINUX: ARCNET as Linux stores it (with the hardware's offset field)
    case juniperEthernet   // DLT_JUNIPER_ETHER: Juniper's capture header, then Ethernet
    case ipOverInfiniBand  // DLT_IPOIB: IP over InfiniBand with Linux's 40-byte address pseudo-header
    case unsupported(Int32)

    public init(dlt: Int32) {
        switch dlt {
        case 1: self = .ethernet
        case 0: self = .null
        case 108: self = .loop
        case 12, 14, 101: self = .raw
        case 228: self = .ipv4
        case 229: self = .ipv6
        case 113: self = .linuxCooked
        case 276: self = .linuxCooked2
        case 9, 50: self = .ppp
        case 166: self = .pppWithDirection
        case 104: self = .ciscoHDLC
        case 7: self = .arcnet
        case 129: self = .arcnetLinux
        case 178: self = .juniperEthernet
        case 242: self = .ipOverInfiniBand
        default: self = .unsupported(dlt)
        }
    }

    public var description: String {
        switch self {
        case .ethernet: return "Ethernet"
        case .null: return "BSD loopback"
        case .loop: return "OpenBSD loopback"
        case .raw: return "raw IP"
        case .ipv4: return "raw IPv4"
        case .ipv6: return "raw IPv6"
        case .linuxCooked: return "Linux cooked v1"
        case .linuxCooked2: return "Linux cooked v2"
        case .ppp: return "PPP"
        case .pppWithDirection: return "PPP with direction"
        case .ciscoHDLC: return "Cisco HDLC"
        case .arcnet: return "ARCNET"
        case .arcnetLinux: return "ARCNET (Linux)"
        case .juniperEthernet: return "Juniper Ethernet"
        case .ipOverInfiniBand: return "IP over InfiniBand"
        case .unsupported(let dlt): return "link type \(dlt)"
        }
    }
}

/// A 48-bit Ethernet address.
public struct MACAddress: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64

    public init(_ rawValue: UInt64) { self.rawValue = rawValue & 0xffff_ffff_ffff }

    init(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
        var value: UInt64 = 0
        for i in 0..<6 { value = value << 8 | UInt64(bytes[offset + i]) }
        rawValue = value
    }

    public var description: String {
        (0..<6).map { i -> String in
            let octet = UInt8((rawValue >> (40 - 8 * UInt64(i))) & 0xff)
            return (octet < 16 ? "0" : "") + String(octet, radix: 16)
        }.joined(separator: ":")
    }

    func append(to out: inout [UInt8]) {
        for i in 0..<6 { out.append(UInt8((rawValue >> (40 - 8 * UInt64(i))) & 0xff)) }
    }
}

/// EtherType values tcplab names.
public enum EtherType {
    public static let ipv4: UInt16 = 0x0800
    public static let arp: UInt16 = 0x0806
    public static let ipv6: UInt16 = 0x86dd
    public static let vlan: UInt16 = 0x8100
    public static let qinq: UInt16 = 0x88a8
    /// The 802.1Q-in-Q tag of older switches (Wireshark's default second VLAN EtherType).
    public static let qinqOld: UInt16 = 0x9100
    public static let rarp: UInt16 = 0x8035
    public static let pppoeDiscovery: UInt16 = 0x8863
    public static let pppoeSession: UInt16 = 0x8864
    public static let mpls: UInt16 = 0x8847
    public static let mplsMulticast: UInt16 = 0x8848
    /// An Ethernet frame carried whole, e.g. by GRE (transparent Ethernet bridging).
    public static let transparentEthernet: UInt16 = 0x6558
    /// PPP in GRE (PPTP's enhanced GRE, RFC 2637).
    public static let ppp: UInt16 = 0x880b
    /// WCCP's GRE protocol type: IPv4, perhaps after a 4-byte redirect header.
    public static let wccp: UInt16 = 0x883e
    public static let erspan: UInt16 = 0x88be      // ERSPAN type I and II
    public static let erspan3: UInt16 = 0x22eb     // ERSPAN type III

    /// A short name for the EtherTypes tcplab knows, for the text output.
    public static func name(_ type: UInt16) -> String? {
        switch type {
        case ipv4: return "IPv4"
        case ipv6: return "IPv6"
        case arp: return "ARP"
        case rarp: return "RARP"
        case vlan, qinq, qinqOld: return "VLAN"
        case pppoeDiscovery: return "PPPoE discovery"
        case pppoeSession: return "PPPoE session"
        case mpls: return "MPLS"
        case mplsMulticast: return "MPLS multicast"
        case transparentEthernet: return "Ethernet"
        case ppp: return "PPP"
        case wccp: return "WCCP"
        case erspan, erspan3: return "ERSPAN"
        case 0x2000: return "CDP"
        case 0x88cc: return "LLDP"
        default: return nil
        }
    }
}

/// Ethernet II, with any 802.1Q / 802.1ad VLAN tags walked.
public struct EthernetHeader: Equatable, Sendable {
    public var destination: MACAddress
    public var source: MACAddress
    /// The 16-bit tag control information of each VLAN tag, outermost first (VLAN id = tci & 0xfff).
    public var vlanTags: [UInt16]
    /// The EtherType after the last tag.
    public var etherType: UInt16

    public init(destination: MACAddress, source: MACAddress, vlanTags: [UInt16] = [], etherType: UInt16) {
        self.destination = destination
        self.source = source
        self.vlanTags = vlanTags
        self.etherType = etherType
    }

    public var headerLength: Int { 14 + 4 * vlanTags.count }

    public static func parse(_ bytes: UnsafeRawBufferPointer) throws -> EthernetHeader {
        guard bytes.count >= 14 else { throw DecodeError.truncated("Ethernet", "header", need: 14, have: bytes.count) }
        var header = EthernetHeader(destination: MACAddress(bytes, at: 0), source: MACAddress(bytes, at: 6),
                                    etherType: bytes.u16(12))
        var offset = 14
        while [EtherType.vlan, EtherType.qinq, EtherType.qinqOld].contains(header.etherType) {
            guard bytes.count >= offset + 4 else {
                throw DecodeError.truncated("802.1Q", "VLAN tag", need: offset + 4, have: bytes.count)
            }
            header.vlanTags.append(bytes.u16(offset))
            header.etherType = bytes.u16(offset + 2)
            offset += 4
        }
        return header
    }

    public func encode() -> [UInt8] {
        var out: [UInt8] = []
        destination.append(to: &out)
        source.append(to: &out)
        var type = etherType
        if !vlanTags.isEmpty { type = EtherType.vlan }
        out.append16(type)
        for (i, tag) in vlanTags.enumerated() {
            out.append16(tag)
            out.append16(i == vlanTags.count - 1 ? etherType : EtherType.vlan)
        }
        return out
    }
}

/// The pseudo-header Linux puts on packets captured with `-i any` (SLL v1 or v2).
public struct LinuxCookedHeader: Equatable, Sendable {
    public var version: Int
    /// 0 to us, 1 broadcast, 2 multicast, 3 to another host, 4 sent by us.
    public var packetType: UInt16
    public var hardwareType: UInt16
    public var linkAddress: MACAddress?
    public var protocolType: UInt16
    /// Only in v2: the interface the packet was seen on.
    public var interfaceIndex: UInt32?

    public var headerLength: Int { version == 2 ? 20 : 16 }

    public var direction: String {
        switch packetType {
        case 0: return "In"
        case 4: return "Out"
        case 1: return "B"
        case 2: return "M"
        default: return "P"
        }
    }

    public static func parse(_ bytes: UnsafeRawBufferPointer, version: Int) throws -> LinuxCookedHeader {
        let need = version == 2 ? 20 : 16
        guard bytes.count >= need else {
            throw DecodeError.truncated("Linux cooked v\(version)", "header", need: need, have: bytes.count)
        }
        if version == 2 {
            let addressLength = Int(bytes.u8(11))
            return LinuxCookedHeader(version: 2, packetType: UInt16(bytes.u8(10)), hardwareType: bytes.u16(8),
                                     linkAddress: addressLength == 6 ? MACAddress(bytes, at: 12) : nil,
                                     protocolType: bytes.u16(0), interfaceIndex: bytes.u32(4))
        }
        let addressLength = Int(bytes.u16(4))
        return LinuxCookedHeader(version: 1, packetType: bytes.u16(0), hardwareType: bytes.u16(2),
                                 linkAddress: addressLength == 6 ? MACAddress(bytes, at: 6) : nil,
                                 protocolType: bytes.u16(14), interfaceIndex: nil)
    }
}

/// The whole link layer of one packet.
public enum LinkHeader: Equatable, Sendable {
    case ethernet(EthernetHeader)
    case cooked(LinuxCookedHeader)
    /// BSD NULL / LOOP: the address family (AF_INET = 2; AF_INET6 = 10, 24, 28 or 30 by OS).
    case loopback(family: UInt32)
    case raw
    case ppp(PPPHeader)
    case ciscoHDLC(CiscoHDLCHeader)
    case arcnet(ARCNETHeader)
    case juniper(JuniperHeader)
    case ipOverInfiniBand(IPoIBHeader)

    /// The EtherType-like number that says what the network layer is.
    var networkType: UInt16? {
        switch self {
        case .ethernet(let header): return header.etherType
        case .cooked(let header): return header.protocolType
        case .loopback(let family):
            switch family {
            case 2: return EtherType.ipv4
            case 10, 24, 28, 30: return EtherType.ipv6
            default: return nil
            }
        case .raw: return nil
        case .ppp(let header): return header.etherType
        case .ciscoHDLC(let header): return header.etherType
        case .arcnet(let header): return header.etherType
        case .juniper(let header): return header.etherType   // without a link layer after it
        case .ipOverInfiniBand(let header): return header.etherType
        }
    }
}
