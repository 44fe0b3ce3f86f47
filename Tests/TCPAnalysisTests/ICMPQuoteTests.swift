import Foundation
import TestSupport
import Testing

/// ICMP errors quote the start of the packet that caused them. A quoted TCP header is shown with
/// tshark's values and never counted as a segment: no stream, so the streams after it keep
/// tshark's numbers. (PcapPlusPlus `IcmpPackets.pcap`, kept apart from the fixtures every test
/// walks: it has no TCP stream to follow.)
@Suite("A TCP header quoted in an ICMP error")
struct ICMPQuoteTests {
    @Test func isShownLikeTsharkAndNotTracked() throws {
        let capture = "world/icmp-quoted-tcp.pcap"
        let ours = try readAsJSON(fixturePath(capture))
        let theirs = try tsharkRows(capture)
        #expect(ours.count == theirs.count)
        var quotedTCP = 0
        for (mine, reference) in zip(ours, theirs) {
            #expect(mine["stream"] == nil, "frame \(reference["frame.number"]!): nothing here is a segment")
            guard !(reference["tcp.srcport"] ?? "").isEmpty else { continue }
            quotedTCP += 1
            expectQuoteAgrees(mine, reference, "frame \(reference["frame.number"]!)")
            #expect((mine["note"] as? String)?.contains("TCP 1.2.3.4:0 → 5.6.7.8:0, raw seq 585665") == true)
        }
        #expect(quotedTCP == 1)
    }
}
