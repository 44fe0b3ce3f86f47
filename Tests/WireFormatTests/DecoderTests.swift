import Testing
@testable import WireFormat

@Suite("Decoding whole packets, and packets that are cut or broken")
struct DecoderTests {
    let ethernet = PacketDecoder(linkType: .ethernet)

    @Test func helloPayloadIsFound() {
        let packet = ethernet.decode(Vectors.hello)
        #expect(packet.error == nil)
        #expect(packet.payloadLength == 18)
        #expect(packet.capturedPayloadLength == 18)
        let payload = Array(Vectors.hello[packet.payloadOffset...])
        #expect(String(decoding: payload, as: UTF8.self) == "HELLO nodemcu-01\r\n")
        #expect(packet.tcp?.flags == [.psh, .ack])
    }

    @Test func everyTruncationDecodesAsFarAsItCan() {
        // Cut the packet at every length: never a crash, and the outer layers survive.
        for length in 0..<Vectors.syn.count {
            let packet = ethernet.decode(Array(Vectors.syn[0..<length]))
            #expect(packet.error != nil, "cut at \(length) should report an error")
            if length >= 14 { #expect(packet.link != nil) }
            if length >= 34 { #expect(packet.network != nil, "IPv4 decoded at \(length)") }
            if length >= 54 { #expect(packet.tcp != nil, "fixed TCP header decoded at \(length)") }
        }
    }

    @Test func truncatedOptionsKeepTheHeaderAndSayWhy() {
        let packet = ethernet.decode(Array(Vectors.syn[0..<(34 + 20 + 6)]))
        #expect(packet.tcp?.sourcePort == 55670)
        #expect(packet.tcp?.mss == 65495)           // the first option fit
        #expect(packet.error?.kind == .truncated)
        #expect(packet.error?.layer == "TCP")
        #expect(packet.error?.field == "options")
    }

    @Test func snaplenCutsThePayloadNotTheClaimedLength() {
        let packet = ethernet.decode(Array(Vectors.hello[0..<70]))   // 4 of 18 payload bytes
        #expect(packet.payloadLength == 18)
        #expect(packet.capturedPayloadLength == 4)
        #expect(packet.error == nil)   // headers complete: a short payload is not a decode error
    }

    @Test func malformedIPv4HeaderLength() {
        var frame = Vectors.syn
        frame[14] = 0x44   // IHL 4 = 16 bytes
        let packet = ethernet.decode(frame)
        #expect(packet.link != nil)
        #expect(packet.network == nil)
        #expect(packet.error == DecodeError(.malformed, layer: "IPv4", field: "header length",
                                            expected: "at least 20 bytes (IHL ≥ 5)", found: "16 bytes"))
    }

    @Test func malformedTCPDataOffset() {
        var frame = Vectors.syn
        frame[46] = 0x30   // data offset 3
        let packet = ethernet.decode(frame)
        #expect(packet.network != nil)
        #expect(packet.error?.kind == .malformed)
        #expect(packet.error?.field == "data offset")
    }

    @Test func malformedOptionLength() {
        var frame = Vectors.syn
        frame[55] = 1   // MSS option claims length 1
        let packet = ethernet.decode(frame)
        #expect(packet.tcp != nil)
        #expect(packet.error?.kind == .malformed)
        #expect(packet.error?.field == "option kind 2 length")
    }

    @Test func unknownEtherTypeIsNotAnError() {
        var frame = Vectors.syn
        frame[12] = 0x88; frame[13] = 0xb5   // local experimental EtherType
        let packet = ethernet.decode(frame)
        #expect(packet.network == .unknown(etherType: 0x88b5))
        #expect(packet.error == nil)
    }

    @Test func linuxCookedV1AndV2() {
        let ip = Array(Vectors.hello[14...])
        let v1: [UInt8] = [0, 4, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00] + ip
        let v1Packet = PacketDecoder(linkType: LinkType(dlt: 113)).decode(v1)
        #expect(v1Packet.error == nil)
        #expect(v1Packet.payloadLength == 18)
        if case .cooked(let header)? = v1Packet.link { #expect(header.direction == "Out") } else { Issue.record("no SLL") }

        let v2: [UInt8] = [0x08, 0x00, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0] + ip
        let v2Packet = PacketDecoder(linkType: LinkType(dlt: 276)).decode(v2)
        #expect(v2Packet.error == nil)
        if case .cooked(let header)? = v2Packet.link { #expect(header.interfaceIndex == 1) } else { Issue.record("no SLL2") }
    }

    @Test func bsdLoopbackInEitherByteOrder() {
        let ip = Array(Vectors.hello[14...])
        for family: [UInt8] in [[2, 0, 0, 0], [0, 0, 0, 2]] {
            let packet = PacketDecoder(linkType: .null).decode(family + ip)
            #expect(packet.tcp?.destinationPort == 5099)
            #expect(packet.error == nil)
        }
        let bad = PacketDecoder(linkType: .null).decode([7, 0, 0, 0] + ip)
        #expect(bad.error?.field == "address family")
    }

    @Test func nonFirstFragmentHasNoTCPHeader() {
        var frame = Vectors.hello
        frame[20] = 0x00; frame[21] = 0x10   // fragment offset 16 × 8 bytes
        let packet = ethernet.decode(frame)
        #expect(packet.isIPFragment)
        #expect(packet.transport == .unknown(protocolNumber: 6))
        #expect(packet.tcp == nil)
    }

    @Test func hexDumpLooksLikeTcpdump() {
        let payload = Array("HELLO nodemcu-01\r\n".utf8)
        let lines = payload.withUnsafeBytes { HexDump.lines($0, indent: "") }
        #expect(lines == [
            "0x0000:  4845 4c4c 4f20 6e6f 6465 6d63 752d 3031  HELLO nodemcu-01",
            "0x0010:  0d0a                                     ..",
        ])
    }
}

@Suite("Segments larger than 64 KiB (Linux BIG TCP and GSO captures)")
struct LargeSegmentTests {
    let raw = PacketDecoder(linkType: .raw)

    func tcpBytes(payload: Int) -> [UInt8] {
        TCPHeader(sourcePort: 5050, destinationPort: 40000, sequenceNumber: SequenceNumber(1000),
                  acknowledgementNumber: SequenceNumber(1), flags: [.ack], window: 512).encode()
            + [UInt8](repeating: 0x41, count: payload)
    }

    @Test func ipv6JumbogramTakesItsLengthFromTheJumboOption() {
        let payload = 100_000
        let tcp = tcpBytes(payload: payload)
        let jumbo = UInt32(8 + tcp.count)  // hop-by-hop header included, fixed header not
        var frame = IPv6Header(payloadLength: 0, nextHeader: 0, source: .v6(0, 1), destination: .v6(0, 2)).encode()
        frame += [6, 0, 0xc2, 4, UInt8(jumbo >> 24), UInt8(jumbo >> 16 & 0xff), UInt8(jumbo >> 8 & 0xff), UInt8(jumbo & 0xff)]
        frame += tcp
        let packet = raw.decode(frame)
        #expect(packet.error == nil)
        guard case .ipv6(let header)? = packet.network else { Issue.record("no IPv6 header"); return }
        #expect(header.jumboPayloadLength == jumbo)
        #expect(packet.payloadLength == payload)
        #expect(packet.capturedPayloadLength == payload)
    }

    @Test func ipv6LengthZeroWithoutJumboOptionTrustsTheCapture() {
        let tcp = tcpBytes(payload: 70_000)
        let frame = IPv6Header(payloadLength: 0, nextHeader: 6, source: .v6(0, 1), destination: .v6(0, 2)).encode() + tcp
        let packet = raw.decode(frame)
        #expect(packet.error == nil)
        #expect(packet.payloadLength == 70_000)
    }

    @Test func ipv4TotalLengthZeroTrustsTheCapture() {
        let tcp = tcpBytes(payload: 90_000)
        let frame = IPv4Header(totalLength: 0, protocolNumber: 6, source: 0x0a00_0001, destination: 0x0a00_0002).encode() + tcp
        let packet = raw.decode(frame)
        #expect(packet.error == nil)
        #expect(packet.payloadLength == 90_000)
    }
}

@Suite("An IPv4 total length beyond the frame")
struct IPLengthBeyondFrameTests {
    let ethernet = PacketDecoder(linkType: .ethernet)

    /// The hello frame with its IPv4 total length raised by 100 bytes it does not have.
    var lying: [UInt8] {
        var frame = Vectors.hello
        let length = (Int(frame[16]) << 8 | Int(frame[17])) + 100
        frame[16] = UInt8(length >> 8)
        frame[17] = UInt8(length & 0xff)
        return frame
    }

    @Test func capturedWholeItIsTheHeadersError() {
        let frame = lying
        let packet = frame.withUnsafeBytes { ethernet.decode($0, wireLength: frame.count) }
        #expect(packet.ipLengthBeyondFrame?.held == frame.count - 14)
        #expect(packet.payloadLength == 18)  // what the frame holds, not 118
        #expect(packet.capturedPayloadLength == 18)
    }

    @Test func cutByTheSnapshotTheRestWasOnTheWire() {
        let frame = lying
        let packet = frame.withUnsafeBytes { ethernet.decode($0, wireLength: frame.count + 100) }
        #expect(packet.ipLengthBeyondFrame == nil)
        #expect(packet.payloadLength == 118)
        #expect(packet.capturedPayloadLength == 18)
    }
}
