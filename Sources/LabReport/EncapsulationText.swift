import TCPAnalysis
import WireFormat

/// The line that says what a packet travels in, from the wire inwards, when that is more than
/// Ethernet, Linux cooked, loopback or raw IP with VLAN tags and IP tunnels (which have lines of
/// their own): "Encapsulation: Ethernet with VLAN 939, 744 › PPPoE session 0xdde5 › PPP (IPv4)."
enum EncapsulationText {
    static func line(for packet: Packet) -> String? {
        guard let link = packet.link, !packet.encapsulations.isEmpty || isOtherLink(link) else { return nil }
        var parts = [describe(link)]
        // The IP headers of tunnels sit between the encapsulations, by depth: GRE is inside one.
        var networks = packet.outerNetworks
        if let network = packet.network { networks.append(network) }
        var level = 0
        for encapsulation in packet.encapsulations {
            while level < min(encapsulation.depth, networks.count) {
                parts.append(describe(networks[level]))
                level += 1
            }
            parts.append(describe(encapsulation.header))
        }
        return "Encapsulation: " + parts.joined(separator: " › ") + "."
    }

    /// What a UDP tunnel is, for the "Tunnelled" line: the encapsulation inside it says.
    static func udpTunnelName(_ packet: Packet, depth: Int) -> String {
        for encapsulation in packet.encapsulations where encapsulation.depth == depth {
            switch encapsulation.header {
            case .gtp: return "UDP: GTP-U"
            case .mpls: return "UDP: MPLS"
            default: continue
            }
        }
        return "UDP: Geneve or VXLAN"
    }

    /// The link layers added for other people's captures.
    private static func isOtherLink(_ link: LinkHeader) -> Bool {
        switch link {
        case .ethernet, .cooked, .loopback, .raw: return false
        default: return true
        }
    }

    /// A short name for the layer a packet ends in when nothing after it is decoded (JSON's
    /// `protocol` and the text's protocol column).
    static func lastLayerName(_ packet: Packet) -> String? {
        if let last = packet.encapsulations.last {
            switch last.header {
            case .pppoe: return "PPPoE"
            case .ppp: return "PPP"
            case .mpls, .pseudowireControlWord: return "MPLS"
            case .ethernet: return "Ethernet"
            case .gre, .wccpRedirect: return "GRE"
            case .erspan: return "ERSPAN"
            case .gtp: return "GTP-U"
            }
        }
        switch packet.link {
        case .ppp?: return "PPP"
        case .ciscoHDLC?: return "Cisco HDLC"
        case .arcnet?: return "ARCNET"
        case .juniper?: return "Juniper"
        case .ipOverInfiniBand?: return "IPoIB"
        default: return nil
        }
    }

    private static func describe(_ link: LinkHeader) -> String {
        switch link {
        case .ethernet(let header): return "Ethernet" + vlans(header)
        case .cooked: return "Linux cooked"
        case .loopback: return "loopback"
        case .raw: return "raw IP"
        case .ppp(let header): return ppp(header)
        case .ciscoHDLC(let header):
            let kind = header.address == CiscoHDLCHeader.broadcast ? "broadcast" : "unicast"
            return "Cisco HDLC (\(kind), \(header.protocolName))"
        case .arcnet(let header):
            var text = "ARCNET 0x\(hex(header.source)) → 0x\(hex(header.destination)), \(header.framing)"
            if let flag = header.splitFlag, let sequence = header.sequence {
                text += " (split flag \(flag), sequence \(sequence)\(header.isException ? ", exception frame" : ""))"
            }
            return text
        case .juniper(let header):
            var text = "Juniper capture header (\(header.isIncoming ? "incoming" : "outgoing")"
            if header.extensionLength > 0 { text += ", \(header.extensionLength) bytes of extensions" }
            if let number = header.payloadProtocol { text += ", no link layer, JUNOS protocol \(number)" }
            return text + ")"
        case .ipOverInfiniBand(let header):
            var text = "IP over InfiniBand"
            if let qpn = header.sourceQPN, let gid = header.sourceGID { text += " from QPN 0x\(hex(qpn, 6)) (GID \(gid))" }
            if let qpn = header.destinationQPN { text += " to QPN 0x\(hex(qpn, 6))" }
            return text + " (GID \(header.destinationGID))"
        }
    }

    private static func describe(_ header: Encapsulation.Header) -> String {
        switch header {
        case .pppoe(let pppoe):
            return pppoe.code == 0 ? "PPPoE session 0x\(hex(pppoe.sessionID, 4))" : "PPPoE code 0x\(hex(pppoe.code))"
        case .ppp(let header): return ppp(header)
        case .mpls(let label):
            return "MPLS label \(label.label) (TTL \(label.timeToLive)"
                + (label.bottomOfStack ? ", bottom of stack; what follows is guessed from its first nibble)" : ")")
        case .pseudowireControlWord(let sequence): return "pseudowire control word (sequence \(sequence))"
        case .ethernet(let header): return "Ethernet \(header.source) → \(header.destination)" + vlans(header)
        case .gre(let gre):
            var details: [String] = []
            if gre.isEnhanced {
                details.append("PPTP's enhanced GRE")
                if let call = gre.callID { details.append("call ID \(call)") }
            } else {
                details.append("protocol 0x\(hex(gre.protocolType, 4))" + (EtherType.name(gre.protocolType).map { " \($0)" } ?? ""))
                if let key = gre.key { details.append("key 0x\(hex(key, 8))") }
            }
            if let sequence = gre.sequenceNumber { details.append("sequence \(sequence)") }
            if let ack = gre.acknowledgementNumber { details.append("ack \(ack)") }
            if gre.checksum != nil { details.append("with checksum") }
            return "GRE (" + details.joined(separator: ", ") + ")"
        case .wccpRedirect(let redirect):
            return "WCCP redirect header (service \(redirect.serviceID), primary bucket \(redirect.primaryBucket))"
        case .erspan(let erspan):
            let type = ["I", "II", "III"][max(0, min(2, erspan.type - 1))]
            return erspan.type == 1 ? "ERSPAN type I" : "ERSPAN type \(type) (session \(erspan.sessionID))"
        case .gtp(let gtp): return "GTP-U (tunnel endpoint 0x\(hex(gtp.tunnelEndpointID, 8)))"
        }
    }

    private static func describe(_ network: Packet.Network) -> String {
        switch network {
        case .ipv4(let header): return "IPv4 \(header.sourceAddress) → \(header.destinationAddress)"
        case .ipv6(let header): return "IPv6 \(header.source) → \(header.destination)"
        case .arp: return "ARP"
        case .unknown(let type): return "EtherType 0x\(hex(type, 4))"
        }
    }

    private static func ppp(_ header: PPPHeader) -> String {
        var text = "PPP (\(header.protocolName)"
        if let sent = header.sent { text += sent ? ", sent" : ", received" }
        return text + ")"
    }

    private static func vlans(_ header: EthernetHeader) -> String {
        header.vlanTags.isEmpty ? "" : " with VLAN " + header.vlanTags.map { String($0 & 0xfff) }.joined(separator: ", ")
    }

    private static func hex<T: BinaryInteger>(_ value: T, _ digits: Int = 2) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
