import CaptureAnalysis
import Foundation
import TestSupport
import Testing

/// A TCP header that contradicts its packet is tracked but not analysed, as tshark does: its
/// second copy is no duplicate ACK (tshark: "Short segment ... Malformed Packet", no tcp.analysis).
@Suite("A malformed TCP header")
struct MalformedHeaderTests {
    @Test func isNumberedButNotAnalysed() throws {
        let packets = try readAsJSON(fixturePath("world/tcp-malformed.pcap"))
        #expect(packets.count == 2)
        #expect(packets.map { $0["stream"] as? Int } == [0, 0])
        #expect(packets.allSatisfy { ($0["analysis"] as? [String]) == [] }, "\(packets.map { $0["analysis"] ?? "" })")
        #expect(packets.allSatisfy { ($0["note"] as? String)?.contains("TCP malformed: data offset") == true })
        // Out of the analysis, its numbers are raw and its length unknown, as tshark shows them.
        #expect(packets.allSatisfy { ($0["seq"] as? Int) == ($0["seq_raw"] as? Int) && $0["len"] is NSNull })
    }
}
