import Foundation
import TestSupport
import Testing

/// `read --summary-only`: the per-connection totals without the packets, as text and as JSON.
@Suite("read --summary-only")
struct SummaryOnlyTests {
    @Test func jsonHasOneObjectPerConnectionWithTheTotals() throws {
        let result = try TCPLabBinary.run(["read", fixturePath("loss.pcap"), "--summary-only", "--format", "json"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1, "one connection, one line")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(object["stream"] as? Int == 0 && object["ending"] as? String == "closed")
        let upload = try #require(object["client_to_server"] as? [String: Any])
        #expect((upload["retransmissions"] as? [String: Any])?["count"] as? Int == 3)
        #expect((upload["fast_retransmissions"] as? [String: Any])?["first_frame"] as? Int == 15)
        #expect(upload["new_bytes"] as? Int == 3588)
        #expect((upload["throughput_bps"] as? Double ?? 0) > 0)
        let rtt = try #require(upload["rtt"] as? [String: Any])
        #expect((rtt["counted"] as? Int ?? 0) < (rtt["samples"] as? Int ?? 0), "Karn's rule left some out")
        #expect(upload["window_limited"] as? Bool == false)
    }

    @Test func textShowsTheTotalsAndNoPackets() throws {
        let result = try TCPLabBinary.run(["read", fixturePath("zero-window.pcap"), "--summary-only"])
        #expect(result.status == 0)
        #expect(!result.stdout.contains("[SYN]"), "no packet lines")
        #expect(result.stdout.contains("throughput") && result.stdout.contains("first data byte to the ACK that covered the last"))
        #expect(result.stdout.contains("Limited by the server's window"))
        #expect(result.stdout.contains("EstimatedRTT"))
    }

    @Test func contradictsNoSummary() throws {
        let result = try TCPLabBinary.run(["read", fixturePath("loss.pcap"), "--summary-only", "--no-summary"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("contradict"))
    }
}
