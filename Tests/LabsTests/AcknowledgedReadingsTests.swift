import TestSupport
import Testing
@testable import Labs

/// Lab 8 counts the readings that reached the server, i.e. whose bytes the server acknowledged.
/// `labs/captures/server-crash.pcap` is real traffic (virtual-nodemcu → tcplab serve in two network
/// namespaces, labs/08-gaps/README.md): the server was cut off and restarted while the board went
/// on writing; the board retransmitted reading 5 until the restarted server's kernel answered RST,
/// and readings 6–10 never left its send buffer.
@Suite("Readings that reached the server")
struct AcknowledgedReadingsTests {
    static let capture = repositoryPath("labs/captures/server-crash.pcap")

    @Test("A reading retransmitted into a dead connection is captured but not acknowledged")
    func rstAnsweredReadingIsNotReceived() throws {
        let facts = try CaptureFacts.load(file: Self.capture)
        let toServer = facts.streams.filter { $0.serverPort == 5050 }
        #expect(toServer.count == 2)
        let first = try #require(toServer.first)
        #expect(first.readings.map(\.seq) == [0, 1, 2, 3, 4, 5], "reading 5 is in the capture (retransmitted)")
        #expect(first.acknowledgedReadings.map(\.seq) == [0, 1, 2, 3, 4], "but the server never acknowledged it")
        let second = try #require(toServer.last)
        #expect(second.acknowledgedReadings.map(\.seq) == [11, 12, 13, 14])
        #expect(second.acknowledgedReadings == second.readings)
    }

    @Test("Lab 8 is graded on acknowledged readings")
    func lab8CountsAcknowledgedReadings() throws {
        let facts = try CaptureFacts.load(file: Self.capture)
        let lab = try #require(LabCatalog.lab(8))
        let right = try Grader(lab: lab).grade(
            AnswerSheet(toml: "connections = 2\nreadings_received = 9\nmissing_readings = 6\n"), against: facts)
        #expect(right.allRight, "\(right.results.map { "\($0.key): \($0.verdict)" })")
        // The answer a student gets by counting every reading in the capture, RST-answered one included.
        let naive = try Grader(lab: lab).grade(
            AnswerSheet(toml: "connections = 2\nreadings_received = 10\nmissing_readings = 5\n"), against: facts)
        #expect(naive.rightCount == 1)
    }

    @Test("On a capture without loss every reading is acknowledged",
          arguments: ["handshake-readings-fin.pcap", "loopback-ethernet.pcap"])
    func cleanCaptureAcknowledgesEverything(fixture: String) throws {
        let facts = try CaptureFacts.load(file: fixturePath(fixture))
        for stream in facts.streams {
            #expect(stream.acknowledgedReadings == stream.readings, "\(fixture) stream \(stream.index)")
        }
        #expect(facts.streams.contains { !$0.readings.isEmpty }, "\(fixture) should carry readings")
    }
}
