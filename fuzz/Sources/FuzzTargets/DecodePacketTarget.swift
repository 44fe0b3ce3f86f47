import LabReport
import TCPAnalysis
import WireFormat

/// Every link type tcplab decodes; the first input byte picks where decoding starts being
/// interesting, but each input is decoded as every one of them.
let linkTypes: [LinkType] = [
    .ethernet, .null, .loop, .raw, .ipv4, .ipv6, .linuxCooked, .linuxCooked2, .ppp, .pppWithDirection,
    .ciscoHDLC, .arcnet, .arcnetLinux, .juniperEthernet, .ipOverInfiniBand, .unsupported(147),
]

/// One packet's bytes → decoder (each link type) → tracker → text and JSON renderers.
///
/// Invariants checked beyond "does not crash": the decoder's payload offsets stay inside what
/// it claims, and the renderers always produce output.
public func fuzzDecodePacket(_ bytes: UnsafeRawBufferPointer) {
    let text = TextPacketRenderer(palette: Palette(enabled: true), showHex: true)
    let json = JSONPacketRenderer()
    var output = OutputBuffer(capacity: 1 << 12)
    for linkType in linkTypes {
        let analyzer = PacketAnalyzer(linkType: linkType)
        // Twice, so the second pass sees a conversation that already exists (retransmission paths).
        for frame in 1...2 {
            let analyzed = analyzer.analyze(frame: frame, seconds: 1_700_000_000, nanoseconds: frame,
                                            bytes: bytes)
            if let tcp = analyzed.packet.tcp {
                let packet = analyzed.packet
                precondition(packet.capturedPayloadLength >= 0, "negative captured payload")
                precondition(packet.capturedPayloadLength == 0
                             || packet.payloadOffset + packet.capturedPayloadLength <= bytes.count,
                             "payload beyond the capture")
                // encode beside parse: what was decoded encodes to bytes that decode the same.
                if tcp.optionsError == nil {
                    let again = tcp.encode().withUnsafeBytes { try? TCPHeader.parse($0) }
                    precondition(again == tcp, "TCP header does not survive encode → parse")
                }
            }
            switch analyzed.packet.network {
            case .ipv4(let header)?:
                precondition(header.encode().withUnsafeBytes { try? IPv4Header.parse($0) } == header,
                             "IPv4 header does not survive encode → parse")
            case .ipv6(let header)? where header.extensionHeaders.isEmpty:   // encode() writes the fixed header only
                precondition(header.encode().withUnsafeBytes { try? IPv6Header.parse($0) } == header,
                             "IPv6 header does not survive encode → parse")
            default: break
            }
            output.removeAll()
            text.render(analyzed, bytes: bytes, firstTime: analyzer.firstTime ?? 0, into: &output)
            precondition(output.count > 0, "text renderer wrote nothing")
            output.removeAll()
            json.render(analyzed, bytes: bytes, into: &output)
            precondition(output.count > 0, "JSON renderer wrote nothing")
        }
        output.removeAll()
        ConnectionSummary().render(analyzer.tracker.history, frames: analyzer.frames, into: &output)
    }
}
