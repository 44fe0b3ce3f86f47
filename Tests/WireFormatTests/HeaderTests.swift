import Testing
@testable import WireFormat

@Suite("Headers: parse, encode, round trip")
struct HeaderTests {
    @Test func ethernetRoundTrip() throws {
        let header = try Vectors.syn.withUnsafeBytes { try EthernetHeader.parse($0) }
        #expect(header.etherType == EtherType.ipv4)
        #expect(header.source == MACAddress(0))
        #expect(header.vlanTags.isEmpty)
        #expect(header.encode() == Array(Vectors.syn[0..<14]))
    }

    @Test func vlanTagsAreWalked() throws {
        var frame = Array(Vectors.syn[0..<12]) + [0x81, 0x00, 0x00, 0x2a] + Array(Vectors.syn[12...])
        frame[0] = 0x02
        let header = try frame.withUnsafeBytes { try EthernetHeader.parse($0) }
        #expect(header.vlanTags == [42])
        #expect(header.etherType == EtherType.ipv4)
        #expect(header.headerLength == 18)
        #expect(header.encode() == Array(frame[0..<18]))
        let packet = PacketDecoder(linkType: .ethernet).decode(frame)
        #expect(packet.tcp?.destinationPort == 5099)
        #expect(packet.error == nil)
    }

    @Test func ipv4FieldsChecksumAndRoundTrip() throws {
        let ip = Array(Vectors.syn[14..<34])
        let header = try ip.withUnsafeBytes { try IPv4Header.parse($0) }
        #expect(header.totalLength == 60)
        #expect(header.identification == 0x99d4)
        #expect(header.dontFragment && !header.moreFragments && header.fragmentOffset == 0)
        #expect(header.timeToLive == 64)
        #expect(header.protocolNumber == 6)
        #expect(header.sourceAddress.description == "127.0.0.1")
        #expect(header.checksum == 0xa2e5)
        #expect(header.computedChecksum() == 0xa2e5)
        #expect(header.encode() == ip)
    }

    @Test func ipv4OptionsAreKept() throws {
        var header = IPv4Header(totalLength: 24, protocolNumber: 6, source: 0x0a000001, destination: 0x0a000002,
                                options: [0x01, 0x01, 0x01, 0x00])
        header.checksum = header.computedChecksum()
        let encoded = header.encode()
        #expect(encoded.count == 24)
        let parsed = try encoded.withUnsafeBytes { try IPv4Header.parse($0) }
        #expect(parsed == header)
    }

    @Test func tcpSynWithEveryOption() throws {
        let segment = Array(Vectors.syn[34...])
        let tcp = try segment.withUnsafeBytes { try TCPHeader.parse($0) }
        #expect(tcp.sourcePort == 55670)
        #expect(tcp.destinationPort == 5099)
        #expect(tcp.sequenceNumber.rawValue == 2_809_560_656)
        #expect(tcp.flags == .syn)
        #expect(tcp.window == 65495)
        #expect(tcp.headerLength == 40)
        #expect(tcp.options == [.maximumSegmentSize(65495), .sackPermitted,
                                .timestamps(value: 512_096_707, echoReply: 0), .noOperation, .windowScale(10)])
        #expect(tcp.mss == 65495 && tcp.windowScale == 10 && tcp.sackPermitted)
        #expect(tcp.encode() == segment)
    }

    @Test func tcpSackBlocksAndUnknownOptionsRoundTrip() throws {
        let header = TCPHeader(
            sourcePort: 5050, destinationPort: 40000, sequenceNumber: SequenceNumber(1),
            acknowledgementNumber: SequenceNumber(100), flags: [.ack], window: 512,
            options: [.noOperation, .noOperation,
                      .sack([.init(left: SequenceNumber(200), right: SequenceNumber(300)),
                             .init(left: SequenceNumber(400), right: SequenceNumber(500))]),
                      .unknown(kind: 30, data: [0xde, 0xad])])
        let encoded = header.encode()
        #expect(encoded.count == header.headerLength)
        #expect(header.headerLength == 44)   // 20 + 2 + 18 + 4 = 44
        let parsed = try encoded.withUnsafeBytes { try TCPHeader.parse($0) }
        #expect(parsed.options == header.options)
        #expect(parsed.sackBlocks.map { $0.0.rawValue } == [200, 400])
        #expect(parsed.encode() == encoded)
    }

    @Test func ipv6WithExtensionHeaders() throws {
        // IPv6 + hop-by-hop (8 bytes) + destination options (8 bytes) + TCP (20 bytes).
        let tcp = TCPHeader(sourcePort: 40000, destinationPort: 5050, sequenceNumber: SequenceNumber(7),
                            flags: [.syn], window: 64800)
        var ipv6 = IPv6Header(payloadLength: UInt16(16 + 20), nextHeader: 0, source: IPAddress("fd55::2")!,
                              destination: IPAddress("fd55::1")!)
        ipv6.flowLabel = 0x12345
        let hopByHop: [UInt8] = [60, 0, 1, 4, 0, 0, 0, 0]
        let destinationOptions: [UInt8] = [6, 0, 1, 4, 0, 0, 0, 0]
        let packet = ipv6.encode() + hopByHop + destinationOptions + tcp.encode()
        let decoded = PacketDecoder(linkType: .raw).decode(packet)
        guard case .ipv6(let parsed)? = decoded.network else { Issue.record("no IPv6"); return }
        #expect(parsed.extensionHeaders == [0, 60])
        #expect(parsed.upperProtocol == 6)
        #expect(parsed.headerLength == 56)
        #expect(parsed.flowLabel == 0x12345)
        #expect(parsed.source.description == "fd55::2")
        #expect(Array(parsed.encode()) == Array(packet[0..<40]))
        #expect(decoded.tcp?.destinationPort == 5050)
        #expect(decoded.payloadLength == 0)
        #expect(decoded.error == nil)
    }

    @Test func addressesFormatLikeRFC5952() {
        #expect(IPAddress("2001:db8:0:0:1:0:0:1")?.description == "2001:db8::1:0:0:1")
        #expect(IPAddress("::1")?.description == "::1")
        #expect(IPAddress("::")?.description == "::")
        #expect(IPAddress("fe80::a:0:0:0:1")?.description == "fe80:0:0:a::1")
        #expect(IPAddress("2001:db8:1:2:3:4:5:6")?.description == "2001:db8:1:2:3:4:5:6")
        #expect(IPAddress("192.168.4.20")?.description == "192.168.4.20")
        #expect(IPAddress("256.1.1.1") == nil)
        #expect(IPAddress("1::2::3") == nil)
    }
}
