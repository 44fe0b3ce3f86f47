import TestSupport
import Testing
@testable import Labs

/// The client's bytes the graders count readings in, rebuilt from captures with loss and
/// reordering, against the same stream put together from tshark's rows by sequence number.
@Suite("Readings rebuilt for grading survive loss and reordering")
struct ClientStreamTests {
    /// Client payloads placed at their relative sequence numbers (retransmitted copies overwrite
    /// identical bytes), as an independent reference.
    func tsharkClientStream(_ fixture: String) throws -> [UInt8] {
        let tshark = try TsharkFacts(fixture)
        var bytes: [Int: UInt8] = [:]
        for row in tshark.tcp where row["tcp.dstport"] == "5050" {
            guard let seq = Int(row["tcp.seq"] ?? ""), let hex = row["tcp.payload"], !hex.isEmpty else { continue }
            let digits = Array(hex)
            for index in stride(from: 0, to: digits.count, by: 2) {
                bytes[seq + index / 2] = UInt8(String(digits[index...index + 1]), radix: 16)!
            }
        }
        guard let last = bytes.keys.max() else { return [] }
        return (1...last).map { bytes[$0] ?? 0 }
    }

    @Test(arguments: ["loss-router", "loss", "zero-window", "spurious", "handshake-readings-fin"])
    func everyCapturedReadingIsCounted(fixture: String) throws {
        let reference = try tsharkClientStream(fixture)
        let readings = String(decoding: reference, as: UTF8.self).split(separator: "\r\n")
            .filter { $0.split(separator: ",").count == 4 && $0.allSatisfy { $0.isNumber || $0 == "," || $0 == "." || $0 == "-" } }
        let facts = try CaptureFacts.load(file: fixturePath(fixture + ".pcap"))
        let stream = try #require(facts.mainStream(port: 5050))
        #expect(stream.clientStream.bytesWithGapsAsZeros == reference, "\(fixture): the rebuilt client stream")
        #expect(stream.readings.count == readings.count, "\(fixture)")
        #expect(!readings.isEmpty)
    }
}
