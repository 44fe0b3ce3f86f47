import Testing
@testable import WireFormat

/// What sits between a link and the IP packet that carries the TCP: PPPoE, MPLS (and its
/// pseudowires), GRE (with WCCP, Ethernet, PPTP), GTP-U; and the TCP header an ICMP error quotes.
@Suite("Encapsulations: PPPoE, MPLS, GRE, GTP-U; ICMP's quoted TCP")
struct EncapsulationTests {
    let ethernet = PacketDecoder(linkType: .ethernet)

    @Test func pppoeInsideTwoVLANTags() throws {
        let packet = ethernet.decode(LinkVectors.pppoe)
        #expect(packet.error == nil)
        guard case .ethernet(let link)? = packet.link else { Issue.record("no Ethernet"); return }
        #expect(link.vlanTags.map { $0 & 0xfff } == [939, 744])
        #expect(packet.encapsulations == [
            Encapsulation(.pppoe(PPPoEHeader(sessionID: 0xdde5, length: 0x36)), depth: 0),
            Encapsulation(.ppp(PPPHeader(protocolNumber: 0x0021)), depth: 0),
        ])
        let pppoe = try LinkVectors.pppoe[22...].withUnsafeBytes { try PPPoEHeader.parse($0) }
        #expect(pppoe.encode() == Array(LinkVectors.pppoe[22..<28]))
        #expect(packet.tcp?.flags == .syn && packet.tcp?.sourcePort == 5068 && packet.tcp?.mss == 1440)
        #expect(packet.payloadOffset == 30 + 20 + 32)
    }

    @Test func pppoeDiscoveryIsNotAnError() {
        var frame = Array(LinkVectors.pppoe[0..<12]) + [0x88, 0x63, 0x11, 0x09, 0x00, 0x00, 0x00, 0x00]
        frame += [UInt8](repeating: 0, count: 20)
        let packet = ethernet.decode(frame)
        #expect(packet.error == nil)
        #expect(packet.network == .unknown(etherType: EtherType.pppoeDiscovery))
    }

    @Test func mplsThenIPv4GuessedFromTheFirstNibble() throws {
        let packet = ethernet.decode(LinkVectors.mpls)
        #expect(packet.error == nil)
        let label = MPLSLabel(label: 16000, bottomOfStack: true, timeToLive: 126)
        #expect(packet.encapsulations == [Encapsulation(.mpls(label), depth: 0)])
        #expect(label.encode() == Array(LinkVectors.mpls[22..<26]))
        #expect(packet.tcp?.sourcePort == 20636 && packet.tcp?.destinationPort == 80)
        #expect(packet.payloadLength == 295)
    }

    @Test func mplsEthernetPseudowireWithControlWord() throws {
        let packet = ethernet.decode(LinkVectors.mplsPseudowire)
        #expect(packet.error == nil)
        let headers = packet.encapsulations.map(\.header)
        #expect(headers.count == 4)
        #expect(headers.first == .mpls(MPLSLabel(label: 18, bottomOfStack: false, timeToLive: 254)))
        #expect(headers[1] == .mpls(MPLSLabel(label: 16, bottomOfStack: true, timeToLive: 255)))
        #expect(headers[2] == .pseudowireControlWord(sequence: 0))
        if case .ethernet(let inner) = headers[3] { #expect(inner.vlanTags == [1]) } else { Issue.record("no inner Ethernet") }
        guard case .icmp(let icmp)? = packet.transport else { Issue.record("no ICMP"); return }
        #expect(icmp.summary == "echo reply")
    }

    @Test func mplsStackWithoutItsBottomIsTruncated() {
        let frame = Array(LinkVectors.mpls[0..<22]) + [0x03, 0xe8, 0x00, 0x7e]   // S bit clear, then the end
        let packet = ethernet.decode(frame)
        #expect(packet.encapsulations.count == 1)
        #expect(packet.error?.kind == .truncated)
        #expect(packet.error?.layer == "MPLS")
    }

    @Test func greWithWCCPRedirectHeader() throws {
        let packet = ethernet.decode(LinkVectors.wccp)
        #expect(packet.error == nil)
        #expect(packet.encapsulations == [
            Encapsulation(.gre(GREHeader(protocolType: EtherType.wccp)), depth: 1),
            Encapsulation(.wccpRedirect(WCCPRedirectHeader(flags: 0x05, serviceID: 0x59, alternativeBucket: 0,
                                                           primaryBucket: 0x48)), depth: 1),
        ])
        #expect(packet.outerNetworks.count == 1)
        #expect(packet.sourceAddress?.description == "10.254.127.195")
        #expect(packet.tcp?.sourcePort == 1291 && packet.tcp?.destinationPort == 445)
        #expect(packet.payloadOffset == 14 + 20 + 4 + 4 + 20 + 32)
    }

    @Test func greWithKeyCarryingEthernet() throws {
        let packet = ethernet.decode(LinkVectors.greEthernet)
        #expect(packet.error == nil)
        let gre = GREHeader(flags: 0x2000, protocolType: EtherType.transparentEthernet, key: 0xfde8)
        #expect(packet.encapsulations.first == Encapsulation(.gre(gre), depth: 1))
        #expect(gre.encode() == Array(LinkVectors.greEthernet[34..<42]))
        #expect(packet.tcp?.flags == .syn && packet.tcp?.sourcePort == 1232)
        #expect(packet.sourceAddress?.description == "10.0.0.4")
    }

    @Test func pptpEnhancedGRECarryingPPP() throws {
        let packet = ethernet.decode(LinkVectors.pptp)
        #expect(packet.error == nil)
        guard case .gre(let gre)? = packet.encapsulations.first?.header else { Issue.record("no GRE"); return }
        #expect(gre.isEnhanced && gre.callID == 24 && gre.sequenceNumber == 7 && gre.acknowledgementNumber == nil)
        #expect(gre.headerLength == 12)
        #expect(gre.encode() == Array(LinkVectors.pptp[34..<46]))
        #expect(packet.encapsulations.last?.header == .ppp(PPPHeader(address: 0xff, control: 0x03, protocolNumber: 0x21)))
        #expect(packet.sourceAddress?.description == "17.1.1.122")
        if case .icmp(let icmp)? = packet.transport { #expect(icmp.summary == "echo request") } else { Issue.record("no ICMP") }
    }

    @Test func greThatCarriesNothingTcplabDecodesKeepsTheOuterPacket() {
        // A keep-alive: protocol type 0. The outer IPv4 stays the network layer, no error.
        var frame = Array(LinkVectors.wccp[0..<38])
        frame[36] = 0; frame[37] = 0
        let packet = ethernet.decode(frame + [0, 0, 0, 0])
        #expect(packet.error == nil)
        #expect(packet.outerNetworks.isEmpty)
        #expect(packet.sourceAddress?.description == "10.254.127.194")
        #expect(packet.transport == .unknown(protocolNumber: 47))
        #expect(packet.undecoded == "GRE protocol 0x0000: a keep-alive (not decoded)")
    }

    @Test func erspanTypeIIIsMalformedWithTheWrongVersion() {
        // GRE with a sequence number (flags 0x1000), protocol 0x88be: ERSPAN type II needs version 1.
        var frame = Array(LinkVectors.wccp[0..<34]) + [0x10, 0x00, 0x88, 0xbe, 0, 0, 0, 1]
        frame += [0x20, 0x00, 0x00, 0x01, 0, 0, 0, 0] + Vectors.syn
        let packet = ethernet.decode(frame)
        #expect(packet.error?.kind == .malformed)
        #expect(packet.error?.layer == "ERSPAN")
        frame[42] = 0x10   // version 1: type II, then the mirrored Ethernet frame
        let typeII = ethernet.decode(frame)
        #expect(typeII.error == nil)
        #expect(typeII.tcp?.destinationPort == 5099)
    }

    @Test func gtpUserPlaneWithAnExtensionHeader() throws {
        let packet = ethernet.decode(LinkVectors.gtp)
        #expect(packet.error == nil)
        guard case .gtp(let gtp)? = packet.encapsulations.first?.header else { Issue.record("no GTP-U"); return }
        #expect(gtp.tunnelEndpointID == 0x0010_0657 && gtp.headerLength == 16)
        #expect(packet.tcp?.sourcePort == 41511 && packet.tcp?.destinationPort == 6005)
        #expect(packet.payloadLength == 1448)
    }

    @Test func icmpErrorQuotesATCPHeaderThatIsNotASegment() throws {
        let packet = ethernet.decode(LinkVectors.icmpQuotingTCP)
        #expect(packet.error == nil)
        #expect(packet.tcp == nil, "a quoted header must not be tracked")
        guard case .icmp(let icmp)? = packet.transport else { Issue.record("no ICMP"); return }
        #expect(icmp.summary == "source quench")
        #expect(icmp.quoted == ICMPQuote(source: .v4(0x0102_0304), destination: .v4(0x0506_0708), protocolNumber: 6,
                                         sourcePort: 0, destinationPort: 0, sequenceNumber: SequenceNumber(585_665)))
    }

    @Test func encapsulationsCutAtEveryLength() {
        for frame in [LinkVectors.pppoe, LinkVectors.mpls, LinkVectors.mplsPseudowire, LinkVectors.wccp,
                      LinkVectors.greEthernet, LinkVectors.pptp, LinkVectors.gtp, LinkVectors.icmpQuotingTCP] {
            let linkLength = (try? frame.withUnsafeBytes { try EthernetHeader.parse($0) })?.headerLength ?? 14
            for length in 0..<frame.count {
                let packet = ethernet.decode(Array(frame[0..<length]))
                if length >= linkLength { #expect(packet.link != nil) }
                if packet.tcp == nil && packet.transport == nil && packet.undecoded == nil {
                    #expect(packet.error != nil, "cut at \(length) should say why")
                }
            }
        }
    }
}
