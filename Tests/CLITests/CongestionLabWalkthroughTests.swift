import Foundation
import LabNetwork
import TestSupport
import Testing

/// Lab 11 done as its text says, through the lab network's bottleneck: a bulk upload with the
/// kernel's TCP_INFO recorded, the summary and the graphs page, then the answers found the way a
/// student finds them (from `tcplab read --format json` and the summary), graded right; the same
/// answers off by one graded wrong.
@Suite("Lab 11 over the lab network's bottleneck, as its text says", .serialized)
struct CongestionLabWalkthroughTests {
    static let up = "sudo tcplab net up --delay 10ms --rate 4mbit --queue 12kb"
    static let server = "sudo tcplab net exec server -- tcplab serve"
    static let capture = "sudo tcplab net exec board -- tcplab capture -i lab0 -w lab11.pcap"
    static let board = "sudo tcplab net exec board -- tcplab device --host 10.50.0.2 --bulk 1M --tcp-info lab11-kernel.csv"
    static let after = ["tcplab read lab11.pcap --summary-only", "tcplab graph lab11.pcap --html lab11.html --tcp-info lab11-kernel.csv",
                        "tcplab lab check 11 --pcap lab11.pcap --answers lab11.toml", "sudo tcplab net down"]

    @Test("the steps work as written, slow start and a loss show, and the grader checks the answers",
          .enabled(if: labNetworkUsable, labNetworkNeeds), .timeLimit(.minutes(2)))
    func stepsWorkAsWritten() throws {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("labs/11-congestion/README.md"), encoding: .utf8)
        for command in [Self.up, Self.server, Self.capture, Self.board] + Self.after {
            #expect(text.contains(command), "lab 11 no longer says `\(command)`")
        }
        #expect(text.contains("tcplab lab answers 11 > lab11.toml"))
        let net = TestLabNetwork()
        defer { net.remove() }
        let up = try net.student(Self.up)
        #expect(up.status == 0 && up.stdout.contains("round trip 20ms"), "\(up.stdout)")
        let server = try net.startStudent(Self.server)
        let terminal2 = try net.startStudent(Self.capture)
        #expect(terminal2.waitFor("capturing on"), "\(terminal2.output)")
        let terminal3 = try net.student(Self.board)
        #expect(terminal3.status == 0 && terminal3.stdout.contains("uploaded"), "\(terminal3.stdout)")
        #expect(server.waitFor("disconnected", timeout: 30), "\(server.output)")
        usleep(200_000)
        net.stop(terminal2)
        net.stop(server)

        let summary = try net.student(Self.after[0])
        #expect(summary.status == 0 && summary.stdout.contains("throughput"), "\(summary.stdout)")
        let graph = try net.student(Self.after[1])
        #expect(graph.status == 0, "\(graph.stdout)")
        let page = try String(contentsOf: net.folder.appendingPathComponent("lab11.html"), encoding: .utf8)
        #expect(page.contains("slow start") && page.contains("congestion window (sender&#39;s kernel, TCP_INFO)"), "the page shows the phases and the kernel's cwnd")

        let right = try Self.trueAnswers(net.folder.appendingPathComponent("lab11.pcap").path)
        #expect(right["round1_segments"] == 10, "Linux's initial window over a 20 ms round trip: \(right)")
        #expect(right["round2_segments"]! > right["round1_segments"]!, "slow start grows: \(right)")
        #expect(right["retransmissions"]! >= 1 && right["dup_acks_before_first_retransmission"]! >= 1, "\(right)")
        // Below the bottleneck's 4 Mbit/s, and not far below (3.85 here; a busy machine runs slower).
        #expect((2.5...4.2).contains(right["throughput_mbps"]!), "near the bottleneck's rate: \(right)")

        #expect(try net.student("tcplab lab answers 11 > lab11.toml").status == 0)
        let answers = net.folder.appendingPathComponent("lab11.toml")
        #expect(try String(contentsOf: answers, encoding: .utf8).contains("slow_start_end_frame = \"\""))
        try right.map { "\($0.key) = \($0.key == "throughput_mbps" ? String(format: "%.2f", $0.value) : String(Int($0.value)))" }
            .joined(separator: "\n").write(to: answers, atomically: true, encoding: .utf8)
        let check = try net.student(Self.after[2])
        #expect(check.status == 0 && check.stdout.contains("7 of 7 right"), "\(right)\n\(check.stdout)")

        try right.map { "\($0.key) = \($0.key == "throughput_mbps" ? $0.value * 1.1 : $0.value + 1)" }
            .joined(separator: "\n").write(to: answers, atomically: true, encoding: .utf8)
        let wrong = try net.student(Self.after[2])
        #expect(wrong.status == 1 && wrong.stdout.contains("0 of 7 right"), "\(wrong.stdout)")
        #expect(try net.student(Self.after[3]).status == 0)
    }

    /// As a student reads them: the packets as JSON (flags, frames, acks) and the summary's throughput.
    static func trueAnswers(_ pcap: String) throws -> [String: Double] {
        let rows = try jsonLines(TCPLabBinary.run(["read", pcap, "--format", "json"]).stdout).filter { $0["stream"] as? Int == 0 }
        let fromBoard = { (row: [String: Any]) in row["dport"] as? Int == 5050 }
        let flags = { (row: [String: Any]) in row["analysis"] as? [String] ?? [] }
        var rounds: [Int] = [], inRound = 0, roundEnd: Int?
        for row in rows where rounds.count < 2 {
            if fromBoard(row), (row["len"] as? Int ?? 0) > 0 {
                if roundEnd == nil { roundEnd = row["next_seq"] as? Int }
                inRound += 1
            } else if !fromBoard(row), let end = roundEnd, (row["ack"] as? Int ?? 0) >= end {
                rounds.append(inRound); inRound = 0; roundEnd = nil
            }
        }
        let data = rows.filter { fromBoard($0) && ($0["len"] as? Int ?? 0) > 0 }
        let retransmissions = data.filter { flags($0).contains("retransmission") }
        let firstFrame = retransmissions.first?["frame"] as? Int ?? 0
        let dupAcks = rows.filter { !fromBoard($0) && ($0["frame"] as? Int ?? 0) < firstFrame && flags($0).contains("duplicate_ack") }
        let summary = try jsonLines(TCPLabBinary.run(["read", pcap, "--summary-only", "--format", "json"]).stdout).first
        let throughput = (summary?["client_to_server"] as? [String: Any])?["throughput_bps"] as? Double ?? 0
        return ["round1_segments": Double(rounds.first ?? 0), "round2_segments": Double(rounds.dropFirst().first ?? 0),
                "slow_start_end_frame": Double(firstFrame), "dup_acks_before_first_retransmission": Double(dupAcks.count),
                "fast_retransmissions": Double(data.filter { flags($0).contains("fast_retransmission") }.count),
                "retransmissions": Double(retransmissions.count), "throughput_mbps": throughput / 1e6]
    }
}
