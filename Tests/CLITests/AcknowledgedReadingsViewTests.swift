import Foundation
import Labs
import TestSupport
import Testing

/// Lab 8 sends students to `read --readings`: a reading retransmitted into a dead connection until
/// an RST answered it is in the capture but never reached the server. The list must say so, and
/// count as the grader counts.
@Suite("read --readings marks what the server never acknowledged")
struct AcknowledgedReadingsViewTests {
    @Test func theReadingAnsweredByRSTIsMarkedAndCountedAsTheGraderCounts() throws {
        let capture = repositoryPath("labs/captures/server-crash.pcap")
        let json = try TCPLabBinary.run(["read", capture, "--readings", "--format", "json"])
        #expect(json.status == 0)
        let readings = try jsonLines(json.stdout)
        let unacknowledged = readings.filter { ($0["acknowledged"] as? Bool) == false }.compactMap { $0["seq"] as? Int }
        #expect(unacknowledged == [5])
        #expect(readings.last?["seq"] as? Int == 5, "the line never acknowledged comes last")
        let acknowledged = readings.filter { ($0["acknowledged"] as? Bool) == true }.count
        let facts = try CaptureFacts.load(file: capture)
        #expect(acknowledged == facts.streams.reduce(0) { $0 + $1.acknowledgedReadings.count })

        let text = try TCPLabBinary.run(["read", capture, "--readings", "--color", "never"])
        #expect(text.stdout.contains("seq 5 · 5027 ms · 21.1 °C · 56.0 %RH  never acknowledged: it did not arrive"))
        #expect(text.stdout.contains("1 reading the server never acknowledged: it did not arrive."))
    }
}
