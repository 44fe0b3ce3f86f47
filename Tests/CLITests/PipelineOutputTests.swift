import CaptureAnalysis
import Foundation
import TestSupport
import LabReport
import PacketCapture
import SensorProtocol
import TCPAnalysis
import Testing
import WireFormat

/// `tcplab read F` shows a saved file through a pipeline of four threads (PacketPipeline). Its
/// output, text or JSON, must be byte for byte what the one-thread path writes, whatever the batching.
@Suite("A capture shown on four threads equals it shown on one")
struct PipelineOutputTests {
    /// The one-thread path of the same view.
    func sequentialJSON(_ path: String) throws -> String {
        let (sink, output) = OutputSink.collecting()
        try PacketView.show(CaptureReader.open(file: path, keepHistory: false),
                            options: .init(format: .json, parallel: false), sink: sink)
        return output.text
    }

    func sequentialText(_ path: String) throws -> String {
        let (sink, output) = OutputSink.collecting()
        try PacketView.show(CaptureReader.open(file: path), options: .init(parallel: false), sink: sink)
        return output.text
    }

    /// A fixture's packets `times` over, one second apart each round (each round's SYN after the
    /// last round's FIN starts a new stream), so the output spans many batches.
    func repeated(_ name: String, times: Int) throws -> String {
        let reader = try CaptureReader.open(file: fixture(name))
        var records: [(seconds: Int, micros: Int, bytes: [UInt8])] = []
        try reader.readRecords { records.append(($0.seconds, $0.nanoseconds / 1000, Array($0.bytes))) }
        let source = reader.source
        func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        var file = le32(0xa1b2c3d4) + [2, 0, 4, 0] + le32(0) + le32(0) + le32(262_144) + le32(Int(source.dataLinkType))
        for round in 0..<times {
            for record in records {
                file += le32(record.seconds + round) + le32(record.micros)
                file += le32(record.bytes.count) + le32(record.bytes.count) + record.bytes
            }
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-repeated-\(UUID().uuidString).pcap").path
        try Data(file).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: ["handshake-readings-fin.pcap", "loss.pcap", "zero-window.pcap", "snaplen-60.pcap",
                      "readings.pcapng", "ipv6.pcap", "cooked-v2.pcap"])
    func sameBytesOnEveryFixture(name: String) throws {
        let result = try TCPLabBinary.run(["read", fixture(name), "--format", "json"])
        #expect(result.status == 0)
        #expect(result.stdout == (try sequentialJSON(fixture(name))))
        let text = try TCPLabBinary.run(["read", fixture(name), "--color", "never"])
        #expect(text.status == 0)
        #expect(text.stdout == (try sequentialText(fixture(name))))
    }

    @Test func sameBytesOverManyBatches() throws {
        // 150 rounds of 50 packets: 7,500 lines, about thirty batches, more than may wait at once.
        let path = try repeated("loss.pcap", times: 150)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try TCPLabBinary.run(["read", path, "--format", "json"], timeout: 120)
        #expect(result.status == 0)
        let expected = try sequentialJSON(path)
        #expect(expected.split(separator: "\n").count == 7_500)
        #expect(result.stdout == expected)
        let text = try TCPLabBinary.run(["read", path, "--color", "never"], timeout: 120)
        #expect(text.stdout == (try sequentialText(path)))
    }
}
