import DeviceSimulator
import Foundation
import KernelTCPInfo
import SensorServer
import TCPInfoSampling
import Testing
import TestSupport

/// `BulkUpload` against the real SensorServer on loopback, and the TCP_INFO file it records.
@Suite("Bulk upload and TCP_INFO samples")
struct BulkUploadTests {
    static func temporaryFile(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-\(name)-\(UUID().uuidString).csv").path
    }

    @Test("a bulk upload over loopback: every reading arrives in order, none rejected, every byte counted")
    func loopback() async throws {
        let recorder = EventRecorder()
        let server = try await startServer(recorder)
        let path = Self.temporaryFile("bulk")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var configuration = BulkUploadConfiguration()
        configuration.port = server.port
        configuration.name = "bulk-1"
        configuration.bytes = 300_000
        configuration.seed = 3
        let tcpInfo = TCPInfoRecorder.isSupported ? try TCPInfoRecorder(path: path) : nil
        configuration.tcpInfo = tcpInfo

        let report = try await BulkUpload(configuration: configuration).run()
        // The server closed after reading everything (the upload waited for its FIN).
        #expect(await eventually { recorder.disconnections.count == 1 })
        let summary = await server.shutdown()

        #expect(report.bytes >= 300_000 && report.bytes < 300_000 + 30)
        #expect(recorder.seqs(of: "bulk-1") == (0..<report.readings).map { UInt32($0) })
        #expect(recorder.rejected.isEmpty && recorder.findings.isEmpty)
        #expect(summary.statistics.readings == report.readings)
        #expect(summary.statistics.bytesReceived == "HELLO bulk-1\r\n".utf8.count + report.bytes)
        #expect(recorder.disconnections.map(\.reason) == [.peerClosed])
        #expect(report.total >= report.writing && report.goodputBitsPerSecond > 0)

        guard let tcpInfo else { return }
        try tcpInfo.finish()
        let samples = try KernelTCPSamples.load(path)
        #expect(samples.count >= 2, "a sample at the start and one at the FIN at least")
        #expect(zip(samples, samples.dropFirst()).allSatisfy { $0.time < $1.time && $0.elapsed < $1.elapsed })
        #expect(samples.first?.elapsed == 0)
        #expect(samples.allSatisfy { $0.cwnd > 0 && $0.srtt > 0 && $0.sendMSS > 0 })
        #expect(samples.allSatisfy { $0.local == report.local && $0.remote == "127.0.0.1:\(server.port)" })
        // Sampled while the board writes: bytes_sent climbs to everything it wrote.
        #expect(zip(samples, samples.dropFirst()).allSatisfy { $0.bytesSent <= $1.bytesSent })
        #expect(samples.last.map { Int($0.bytesSent) >= report.bytes } == true)
        // The last sample is taken as the board closes its side (FIN queued or sent), or by the
        // timer once the server's FIN has arrived and before NIO has read it ("close").
        #expect(["established", "fin-wait-1", "fin-wait-2", "close"].contains(samples.last?.state ?? ""))
    }

    @Test("a server that does not listen: the upload fails with the connect failure")
    func refused() async throws {
        let recorder = EventRecorder()
        let server = try await startServer(recorder)
        let port = server.port
        _ = await server.shutdown()
        var configuration = BulkUploadConfiguration()
        configuration.port = port
        await #expect(throws: BulkUploadError.self) { try await BulkUpload(configuration: configuration).run() }
    }

    @Test("a row written is the row read back, empty ssthresh included")
    func roundTrip() throws {
        let sample = KernelTCPSample(
            time: 1_795_804_598.661760, elapsed: 0.25, local: "10.50.0.2:40312", remote: "[fd00::1]:5050",
            state: "established", caState: "recovery", cwnd: 12, ssthresh: nil, srtt: 19155, rttvar: 900, rto: 204000,
            minRTT: 60, sendMSS: 1448, receiveMSS: 536, unacked: 12, sacked: 3, lost: 2, retrans: 1, retransmits: 0,
            totalRetrans: 8, bytesSent: 300_000, bytesAcked: 280_000, bytesRetrans: 11584, bytesReceived: 0,
            deliveryRate: 487_000, pacingRate: 1_000_000, appLimited: true, segmentsOut: 230, segmentsIn: 120,
            sendWindow: 65535, notSentBytes: 4096, receiveSpace: 14480, receiveRTT: 0)
        let text = KernelTCPSamples.header + "\n" + KernelTCPSamples.row(sample) + "\n"
        #expect(try KernelTCPSamples.parse(text) == [sample])
        var later = sample
        later.ssthresh = 6
        #expect(try KernelTCPSamples.parse(text + KernelTCPSamples.row(later) + "\n").last?.ssthresh == 6)
    }

    @Test("a file that is not a TCP_INFO file is refused with the reason",
          arguments: [("", "empty"), ("a,b\n1,2\n", "no column time"),
                      (KernelTCPSamples.header + "\n1,2,3\n", "line 2: 3 cells")])
    func refusesOtherFiles(text: String, reason: String) {
        #expect {
            try KernelTCPSamples.parse(text)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    @Test("the fixture's samples (bulk-bottleneck.tcpinfo.csv): slow start, a loss, retransmissions, on the capture's clock")
    func fixture() throws {
        let samples = try KernelTCPSamples.load(fixturePath("bulk-bottleneck.tcpinfo.csv"))
        #expect(samples.count >= 20)
        #expect(samples.first?.ssthresh == nil, "no ssthresh before the first loss")
        #expect(samples.contains { $0.ssthresh != nil })
        #expect(samples.contains { $0.caState == "recovery" || $0.caState == "loss" })
        #expect((samples.last?.totalRetrans ?? 0) > 0)
        #expect(samples.allSatisfy { $0.cwnd > 0 && $0.srtt > 0 && $0.local.hasPrefix("10.55.1.2:") })
        // Same clock as the capture's timestamps: the samples lie within the capture's time span.
        let table = try String(contentsOfFile: fixturePath("bulk-bottleneck.tshark.tsv"), encoding: .utf8)
        let rows = table.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        let header = rows[0].map(String.init)
        let times = rows.dropFirst().compactMap { Double($0[1]) }
        let (first, last) = (try #require(times.min()), try #require(times.max()))
        #expect(samples.allSatisfy { $0.time >= first - 0.5 && $0.time <= last + 0.5 })
        // What the fixture is for: tshark finds a fast retransmission and duplicate ACKs in it.
        for flag in ["tcp.analysis.fast_retransmission", "tcp.analysis.duplicate_ack"] {
            let column = try #require(header.firstIndex(of: flag))
            #expect(rows.dropFirst().contains { $0.count > column && !$0[column].isEmpty }, "\(flag) in bulk-bottleneck.pcap")
        }
    }
}
