import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import TestSupport
import Testing

/// `tcplab graph` as a user runs it: the summary, the files, and the errors.
@Suite("Command line: tcplab graph")
struct GraphCommandTests {
    static let kinds = ["time-sequence", "tcptrace", "rtt", "throughput", "window"]

    private func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-graph-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func summarySaysThePhases() throws {
        let result = try TCPLabBinary.run(["graph", fixture("loss.pcap")])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("Stream 0: client 10.55.0.2:58844 → server 10.55.0.1:5050\n"))
        #expect(result.stdout.contains("25 segments carrying 4320 bytes, 3 of them retransmissions"))
        #expect(result.stdout.contains("0.000481–0.000485  fast retransmit & recovery (from frame 15)"))
        // One connection in the capture: nothing to say about which one was chosen.
        #expect(result.stderr.isEmpty)
    }

    @Test func allKindsWriteOneFilePerGraph() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let svg = directory.appendingPathComponent("g.svg").path
        let csv = directory.appendingPathComponent("g.csv").path
        let html = directory.appendingPathComponent("g.html").path
        let result = try TCPLabBinary.run(["graph", fixture("loss.pcap"), "--stream", "0", "--direction", "client",
                                           "--svg", svg, "--csv", csv, "--html", html])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        for kind in Self.kinds {
            let picture = try String(contentsOfFile: directory.appendingPathComponent("g-\(kind).svg").path, encoding: .utf8)
            #expect(XMLParser(data: Data(picture.utf8)).parse(), "\(kind)")
            let table = try String(contentsOfFile: directory.appendingPathComponent("g-\(kind).csv").path, encoding: .utf8)
            #expect(table.hasPrefix("time,"))
        }
        let timeSequence = try String(contentsOfFile: directory.appendingPathComponent("g-time-sequence.csv").path, encoding: .utf8)
        #expect(timeSequence.split(separator: "\n").count == 1 + 25)
        let phases = try String(contentsOfFile: directory.appendingPathComponent("g-phases.csv").path, encoding: .utf8)
        #expect(phases.split(separator: "\n").count == 1 + 6)
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(!page.contains("http://") && !page.contains("https://") && !page.contains(" src=") && !page.contains("@import"))
        #expect(page.contains("class=\"ladder\"") && page.contains("id=\"graphs\""))
        #expect(!FileManager.default.fileExists(atPath: svg) && !FileManager.default.fileExists(atPath: csv))
    }

    @Test func oneKindWritesExactlyTheFileNamed() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let svg = directory.appendingPathComponent("rtt.svg").path
        let csv = directory.appendingPathComponent("rtt.csv").path
        let result = try TCPLabBinary.run(["graph", fixture("spurious.pcap"), "--kind", "rtt", "--svg", svg, "--csv", csv,
                                           "--window-seconds", "0.5"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["rtt.csv", "rtt.svg"])
        let table = try String(contentsOfFile: csv, encoding: .utf8)
        #expect(table.hasPrefix("time,frame,acked_frame,rtt,counted,estimated_rtt,timeout_interval\n"))
        #expect(try String(contentsOfFile: svg, encoding: .utf8).contains("Round-trip time"))
    }

    @Test func errorsSayWhatToDo() throws {
        let noStream = try TCPLabBinary.run(["graph", fixture("loss.pcap"), "--stream", "3"])
        #expect(noStream.status == 1)
        #expect(noStream.stderr.contains("no stream 3 in") && noStream.stderr.contains("its streams are 0–0"))

        let wrongSide = try TCPLabBinary.run(["graph", fixture("loss.pcap"), "--direction", "server"])
        #expect(wrongSide.status == 1)
        #expect(wrongSide.stderr.contains("the server sent no data bytes; the client sent 4320 (try --direction client)"))

        let noData = try TCPLabBinary.run(["graph", fixture("refused.pcap")])
        #expect(noData.status == 1)
        #expect(noData.stderr.contains("nothing to graph"))

        let unreadable = try TCPLabBinary.run(["graph", fixture("no-such-capture.pcap")])
        #expect(unreadable.status == 1)
        #expect(unreadable.stderr.contains("cannot read"))

        let badKind = try TCPLabBinary.run(["graph", fixture("loss.pcap"), "--kind", "pie"])
        #expect(badKind.status == 64)

        let sameFile = try TCPLabBinary.run(["graph", fixture("loss.pcap"), "--svg", "x", "--csv", "x"])
        #expect(sameFile.status == 64)

        let unwritable = try TCPLabBinary.run(["graph", fixture("loss.pcap"), "--kind", "window", "--svg", "/nonexistent/dir/x.svg"])
        #expect(unwritable.status == 1)
        #expect(unwritable.stderr.contains("cannot write /nonexistent/dir/x.svg"))
    }

    @Test func deviceChoosesTheBoardsConnection() throws {
        let board = try TCPLabBinary.run(["graph", fixture("handshake-readings-fin.pcap"), "--device", "NODEMCU-01"])
        #expect(board.status == 0, "\(board.stderr)")
        #expect(board.stdout.hasPrefix("Stream 0: client 10.55.0.2:"))
        let nobody = try TCPLabBinary.run(["graph", fixture("handshake-readings-fin.pcap"), "--device", "nope"])
        #expect(nobody.status == 1)
        #expect(nobody.stderr.contains("no board named 'nope'"))
        let both = try TCPLabBinary.run(["graph", fixture("loss.pcap"), "--stream", "0", "--device", "x"])
        #expect(both.status == 64)
    }

    @Test func tcpInfoAddsTheKernelsView() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let svg = directory.appendingPathComponent("b.svg").path, csv = directory.appendingPathComponent("b.csv").path
        let tcpInfo = fixture("bulk-bottleneck.tcpinfo.csv")
        let result = try TCPLabBinary.run(["graph", fixture("bulk-bottleneck.pcap"), "--tcp-info", tcpInfo, "--svg", svg, "--csv", csv])
        #expect(result.status == 0, "\(result.stderr)")
        let window = try String(contentsOfFile: directory.appendingPathComponent("b-window.svg").path, encoding: .utf8)
        #expect(window.contains("congestion window (sender&#39;s kernel, TCP_INFO)"))
        #expect(window.contains("kernel: recovery"))
        #expect(XMLParser(data: Data(window.utf8)).parse())
        let rtt = try String(contentsOfFile: directory.appendingPathComponent("b-rtt.svg").path, encoding: .utf8)
        #expect(rtt.contains("SRTT (sender&#39;s kernel, TCP_INFO)"))
        // One row per sample of this connection (the file holds only it), cwnd in bytes: cwnd × MSS.
        let samples = try String(contentsOfFile: tcpInfo, encoding: .utf8).split(separator: "\n").dropFirst()
        let kernel = try String(contentsOfFile: directory.appendingPathComponent("b-kernel.csv").path, encoding: .utf8)
            .split(separator: "\n")
        #expect(kernel.first == "time,ca_state,cwnd_bytes,ssthresh_bytes,srtt")
        #expect(kernel.count - 1 == samples.count)
        let first = samples.first!.split(separator: ",", omittingEmptySubsequences: false)   // cwnd 10 × MSS 1448
        #expect(first[6] == "10" && first[12] == "1448")
        #expect(kernel[1].split(separator: ",")[1...2] == ["open", "14480"])

        let otherConnection = try TCPLabBinary.run(["graph", fixture("loss.pcap"), "--tcp-info", tcpInfo])
        #expect(otherConnection.status == 1)
        #expect(otherConnection.stderr.contains("holds no TCP_INFO sample of the client 10.55.0.2:58844 → 10.55.0.1:5050"))
        let notTCPInfo = try TCPLabBinary.run(["graph", fixture("loss.pcap"), "--tcp-info", fixture("loss.tshark.tsv")])
        #expect(notTCPInfo.status == 1)
        #expect(notTCPInfo.stderr.contains("not a TCP_INFO file"))
    }

    @Test func helpReadsLikeAManPage() throws {
        let result = try TCPLabBinary.run(["graph", "--help"])
        #expect(result.status == 0)
        for word in ["time-sequence", "tcptrace", "--direction", "--window-seconds", "slow start", "docs/graphs.md"] {
            #expect(result.stdout.contains(word), "\(word)")
        }
    }
}
