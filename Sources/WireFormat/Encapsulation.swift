/// A header between the link layer and the IP packet that carries the transport, other than VLAN
/// tags and the IP headers of tunnels (those are `EthernetHeader.vlanTags` and
/// `Packet.outerNetworks`): PPPoE, PPP, MPLS, GRE and what GRE carries, GTP-U.
public struct Encapsulation: Equatable, Sendable {
    public enum Header: Equatable, Sendable {
        case pppoe(PPPoEHeader)
        case ppp(PPPHeader)
        case mpls(MPLSLabel)
        /// The 4-byte control word of an Ethernet pseudowire over MPLS (RFC 4448): its sequence number.
        case pseudowireControlWord(sequence: UInt16)
        /// An Ethernet frame inside something else (GRE, a pseudowire, ERSPAN, Juniper's header).
        case ethernet(EthernetHeader)
        case gre(GREHeader)
        case wccpRedirect(WCCPRedirectHeader)
        case erspan(ERSPANHeader)
        /// GTP-U, the user plane of mobile networks, on UDP.
        case gtp(GTPHeader)
    }

    public var header: Header
    /// How many IP headers lie outside this one: 0 below the first (PPPoE on Ethernet), 1 inside
    /// the first IP packet (GRE), and so on.
    public var depth: Int

    public init(_ header: Header, depth: Int) {
        self.header = header
        self.depth = depth
    }
}
