import Testing
@testable import WireFormat

/// The link types of other people's captures: PPP, Cisco HDLC, ARCNET, Juniper Ethernet, IP over
/// InfiniBand. Real frames where the corpus has them (LinkVectors); made-up headers around a real
/// IPv4 SYN where it has none, laid out as tshark reads them (checked on tcpdump's own test
/// captures of these link types).
@Suite("Link types: PPP, Cisco HDLC, ARCNET, Juniper, IPoIB")
struct LinkTypeTests {
    @Test func dltNumbers() {
        #expect(LinkType(dlt: 9) == .ppp)
        #expect(LinkType(dlt: 50) == .ppp)
        #expect(LinkType(dlt: 166) == .pppWithDirection)
        #expect(LinkType(dlt: 104) == .ciscoHDLC)
        #expect(LinkType(dlt: 7) == .arcnet)
        #expect(LinkType(dlt: 129) == .arcnetLinux)
        #expect(LinkType(dlt: 178) == .juniperEthernet)
        #expect(LinkType(dlt: 242) == .ipOverInfiniBand)
        #expect(LinkType(dlt: 147) == .unsupported(147))
    }

    @Test func ppp() throws {
        let packet = PacketDecoder(linkType: .ppp).decode(LinkVectors.ppp)
        #expect(packet.error == nil)
        guard case .ppp(let header)? = packet.link else { Issue.record("no PPP header"); return }
        #expect(header == PPPHeader(address: 0xff, control: 0x03, protocolNumber: 0x0021))
        #expect(header.encode() == Array(LinkVectors.ppp[0..<4]))
        #expect(packet.tcp?.sourcePort == 2051 && packet.tcp?.destinationPort == 179)
        #expect(packet.payloadLength == 121)
        #expect(packet.payloadOffset == 4 + 20 + 32)
    }

    @Test func pppWithoutAddressAndControlAndWithACompressedProtocol() throws {
        // ACFC and PFC (RFC 1661 §6.5, 6.6): the frame starts with the one-byte protocol 0x21.
        let packet = PacketDecoder(linkType: .ppp).decode([0x21] + LinkVectors.ipSYN)
        guard case .ppp(let header)? = packet.link else { Issue.record("no PPP header"); return }
        #expect(header.address == nil && header.protocolNumber == 0x21 && header.headerLength == 1)
        #expect(header.encode() == [0x21])
        #expect(packet.tcp?.destinationPort == 5099)
    }

    @Test func pppWithDirection() {
        // DLT_PPP_PPPD as tcpdump reads it (tshark 4.0 cannot open it): 0x01 = sent, then 0x03.
        let packet = PacketDecoder(linkType: .pppWithDirection).decode([0x01, 0x03, 0x00, 0x21] + LinkVectors.ipSYN)
        guard case .ppp(let header)? = packet.link else { Issue.record("no PPP header"); return }
        #expect(header.sent == true && header.headerLength == 4)
        #expect(header.encode() == [0x01, 0x03, 0x00, 0x21])
        #expect(packet.tcp?.destinationPort == 5099)
    }

    @Test func pppControlProtocolIsNotAnError() {
        let packet = PacketDecoder(linkType: .ppp).decode([0xff, 0x03, 0xc0, 0x21, 0x01, 0x01, 0x00, 0x04])
        #expect(packet.error == nil)
        #expect(packet.network == nil)
        #expect(packet.undecoded == "PPP LCP (not decoded)")
    }

    @Test func ciscoHDLC() throws {
        for linkType in [LinkType.ciscoHDLC, .ppp] {   // Cisco framing also appears on PPP links
            let packet = PacketDecoder(linkType: linkType).decode(LinkVectors.ciscoHDLC)
            #expect(packet.error == nil)
            guard case .ciscoHDLC(let header)? = packet.link else { Issue.record("no Cisco HDLC header"); return }
            #expect(header == CiscoHDLCHeader(address: 0x0f, protocolType: EtherType.ipv6))
            #expect(header.encode() == Array(LinkVectors.ciscoHDLC[0..<4]))
            #expect(packet.tcp?.sourcePort == 1234 && packet.tcp?.destinationPort == 80)
        }
        let slarp = PacketDecoder(linkType: .ciscoHDLC).decode([0x8f, 0x00, 0x80, 0x35] + [UInt8](repeating: 0, count: 18))
        #expect(slarp.undecoded == "Cisco HDLC SLARP (not decoded)")
    }

    @Test func arcnetRFC1051() throws {
        let packet = PacketDecoder(linkType: .arcnetLinux).decode(LinkVectors.arcnetSYN)
        #expect(packet.error == nil)
        guard case .arcnet(let header)? = packet.link else { Issue.record("no ARCNET header"); return }
        #expect(header.source == 0xbe && header.destination == 0x50 && header.protocolID == 0xf0)
        #expect(header.splitFlag == nil && header.headerLength == 5)
        #expect(header.encode() == Array(LinkVectors.arcnetSYN[0..<5]))
        #expect(packet.tcp?.flags == .syn && packet.tcp?.destinationPort == 80)
        #expect(packet.tcp?.mss == 468)
    }

    @Test func arpOverARCNETHasOneByteAddresses() {
        let packet = PacketDecoder(linkType: .arcnetLinux).decode(LinkVectors.arcnetARP)
        #expect(packet.error == nil)
        guard case .arp(let arp)? = packet.network else { Issue.record("no ARP"); return }
        #expect(arp.senderHardwareAddress == [0xbe])
        #expect(arp.summary == "ARP who-has 10.80.131.254 tell 10.80.131.1")
    }

    @Test func arcnetRFC1201AndAnException() throws {
        // RFC 1201 framing adds a split flag and a sequence number after protocol ID 0xd4 (IP).
        let linux: [UInt8] = [0xbe, 0x50, 0xa8, 0xe7, 0xd4, 0x00, 0x01, 0x66]
        let packet = PacketDecoder(linkType: .arcnetLinux).decode(linux + LinkVectors.ipSYN)
        guard case .arcnet(let header)? = packet.link else { Issue.record("no ARCNET header"); return }
        #expect(header.splitFlag == 0 && header.sequence == 0x0166 && header.headerLength == 8)
        #expect(header.encode() == linux)
        #expect(packet.tcp?.destinationPort == 5099)
        // BSD's header has no offset field but may be an exception frame (flag 0xff, 2 bytes of
        // padding, the protocol ID again, then the real split flag and sequence number).
        let bsd: [UInt8] = [0xbe, 0x50, 0xd4, 0xff, 0x00, 0x00, 0xd4, 0x00, 0x01, 0x66]
        let exception = PacketDecoder(linkType: .arcnet).decode(bsd + LinkVectors.ipSYN)
        guard case .arcnet(let bsdHeader)? = exception.link else { Issue.record("no ARCNET header"); return }
        #expect(bsdHeader.isException && bsdHeader.headerLength == 10)
        #expect(bsdHeader.encode() == bsd)
        #expect(exception.tcp?.destinationPort == 5099)
    }

    @Test func juniperEthernet() throws {
        // "MGC", flags 0x80 (extensions, outgoing), 16 bytes of TLVs, then an Ethernet frame.
        let tlvs: [UInt8] = [0x03, 0x01, 0x01, 0x06, 0x01, 0x0e, 0x01, 0x02, 0x8c, 0x00, 0x04, 0x04, 0x4c, 0x01, 0x00, 0x00]
        let frame: [UInt8] = [0x4d, 0x47, 0x43, 0x80, 0x00, 0x10] + tlvs + Vectors.syn
        let packet = PacketDecoder(linkType: .juniperEthernet).decode(frame)
        #expect(packet.error == nil)
        guard case .juniper(let header)? = packet.link else { Issue.record("no Juniper header"); return }
        #expect(header.headerLength == 22 && header.hasLinkLayer && !header.isIncoming)
        let ethernet = try Vectors.syn.withUnsafeBytes { try EthernetHeader.parse($0) }
        #expect(packet.encapsulations.map(\.header) == [.ethernet(ethernet)])
        #expect(packet.tcp?.destinationPort == 5099)
        #expect(packet.payloadOffset == 22 + 14 + 20 + 40)
        // Without a link layer (flag 0x02): JUNOS's protocol number, little-endian, 2 = IPv4.
        let noL2 = PacketDecoder(linkType: .juniperEthernet).decode([0x4d, 0x47, 0x43, 0x03, 2, 0, 0, 0] + LinkVectors.ipSYN)
        #expect(noL2.tcp?.destinationPort == 5099)
        #expect(noL2.encapsulations.isEmpty)
    }

    @Test func juniperWithoutItsMagicIsMalformed() {
        let packet = PacketDecoder(linkType: .juniperEthernet).decode([0x4d, 0x47, 0x00, 0x00] + Vectors.syn)
        #expect(packet.link == nil)
        #expect(packet.error?.kind == .malformed)
        #expect(packet.error?.field == "magic number")
    }

    @Test func ipOverInfiniBand() throws {
        // Linux's 40-byte pseudo-header: zero first (unicast), the destination's QPN and GID at
        // 20–39; then RFC 4391's type and reserved bytes.
        var frame = [UInt8](repeating: 0, count: 20) + [0x80, 0x00, 0x05, 0x50]
        frame += [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x10, 0xe0, 0x00, 0x66, 0x4a, 0xb4, 0x51]
        frame += [0x08, 0x00, 0x00, 0x00] + LinkVectors.ipSYN
        let packet = PacketDecoder(linkType: .ipOverInfiniBand).decode(frame)
        #expect(packet.error == nil)
        guard case .ipOverInfiniBand(let header)? = packet.link else { Issue.record("no IPoIB header"); return }
        #expect(header.destinationQPN == 0x000550)
        #expect(header.destinationGID.description == "fe80::10:e000:664a:b451")
        #expect(header.sourceGID == nil)
        #expect(packet.tcp?.destinationPort == 5099)
        #expect(packet.payloadOffset == 44 + 20 + 40)
    }

    /// Every real frame cut at every length: never a crash; inside the headers an error, and the
    /// layers before the cut still decoded.
    @Test(arguments: [(LinkType.ppp, LinkVectors.ppp, 4), (.ciscoHDLC, LinkVectors.ciscoHDLC, 4),
                      (.arcnetLinux, LinkVectors.arcnetSYN, 5)])
    func truncatedAtEveryLength(linkType: LinkType, frame: [UInt8], linkLength: Int) {
        for length in 0..<frame.count {
            let packet = PacketDecoder(linkType: linkType).decode(Array(frame[0..<length]))
            if length >= linkLength { #expect(packet.link != nil, "link decoded at \(length)") }
            if packet.tcp == nil { #expect(packet.error != nil, "cut at \(length) should say why") }
        }
    }
}
