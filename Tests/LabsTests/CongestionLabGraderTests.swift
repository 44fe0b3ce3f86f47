import TestSupport
import Testing
@testable import Labs

/// Lab 11 graded on two uploads through a bottleneck (fixtures made by scripts/make-fixtures.sh:
/// 300 kB through 4 Mbit/s, 600 kB through 8 Mbit/s), with the right answers worked out from
/// tshark's table of the same capture, as a student would from Wireshark.
@Suite("Lab 11: congestion control, graded")
struct CongestionLabGraderTests {
    static let captures = ["bulk-bottleneck", "labs/bulk-bottleneck-2"]

    /// The seven answers from tshark's fields, by the definitions the lab text gives.
    static func answers(_ fixture: String) throws -> [String: Double] {
        let tshark = try TsharkFacts(fixture)
        let client = try #require(tshark.first(flags: "0x0002"))["tcp.srcport"]
        let rows = tshark.tcp
        func int(_ row: [String: String], _ key: String) -> Int { Int(row[key] ?? "") ?? 0 }
        let fromClient = { (row: [String: String]) in row["tcp.srcport"] == client }
        // Round trips: what the board sent until the ACK covering the first segment of the round.
        var rounds: [Int] = [], inRound = 0, roundEnd: Int?
        for row in rows where rounds.count < 2 {
            if fromClient(row), int(row, "tcp.len") > 0 {
                if roundEnd == nil { roundEnd = int(row, "tcp.nxtseq") }
                inRound += 1
            } else if !fromClient(row), let end = roundEnd, int(row, "tcp.ack") >= end {
                rounds.append(inRound); inRound = 0; roundEnd = nil
            }
        }
        let data = rows.filter { fromClient($0) && int($0, "tcp.len") > 0 }
        let retransmissions = data.filter { !($0["tcp.analysis.retransmission"] ?? "").isEmpty }
        let first = try #require(retransmissions.first)
        let firstFrame = int(first, "frame.number")
        let dupAcks = rows.filter { !fromClient($0) && int($0, "frame.number") < firstFrame
            && !($0["tcp.analysis.duplicate_ack"] ?? "").isEmpty }.count
        let end = data.map { int($0, "tcp.nxtseq") }.max()!
        let start = Double(data[0]["frame.time_epoch"]!)!
        let covered = try #require(rows.first { !fromClient($0) && int($0, "tcp.ack") >= end })
        let seconds = Double(covered["frame.time_epoch"]!)! - start
        return ["round1_segments": Double(rounds[0]), "round2_segments": Double(rounds[1]),
                "slow_start_end_frame": Double(firstFrame), "dup_acks_before_first_retransmission": Double(dupAcks),
                "fast_retransmissions": Double(data.filter { !($0["tcp.analysis.fast_retransmission"] ?? "").isEmpty }.count),
                "retransmissions": Double(retransmissions.count),
                "throughput_mbps": Double(end - 1) * 8 / seconds / 1e6]
    }

    func grade(_ answers: [String: Double], _ fixture: String) throws -> Grader.Report {
        let sheet = answers.map { "\($0.key) = \($0.value)" }.joined(separator: "\n")
        let facts = try CaptureFacts.load(file: fixturePath(fixture + ".pcap"))
        return try Grader(lab: #require(LabCatalog.lab(11))).grade(AnswerSheet(toml: sheet), against: facts)
    }

    @Test(arguments: captures)
    func tsharksAnswersAreRightAndOthersWrong(fixture: String) throws {
        let right = try Self.answers(fixture)
        // These fixtures' path has no delay (the HELLO's ACK is back before the next write), so
        // their rounds are short; the walk-through over a 20 ms round trip sees 10, then 20.
        #expect(right["round1_segments"]! >= 1 && right["round2_segments"]! >= 1, "\(right)")
        #expect(right["retransmissions"]! > 0 && right["fast_retransmissions"]! > 0)
        let report = try grade(right, fixture)
        for result in report.results { #expect(result.verdict == .right, "\(fixture): \(result.key) \(result.verdict)") }
        #expect(report.allRight)

        // Off by one segment, one frame, one ACK; 5 % off the throughput: all wrong.
        var wrong = right.mapValues { $0 + 1 }
        wrong["throughput_mbps"] = right["throughput_mbps"]! * 1.05
        let wrongReport = try grade(wrong, fixture)
        for result in wrongReport.results {
            guard case .wrong = result.verdict else { Issue.record("\(fixture): \(result.key) should be wrong"); continue }
        }
    }

    @Test func theTwoCapturesGiveDifferentAnswers() throws {
        let (first, second) = (try Self.answers(Self.captures[0]), try Self.answers(Self.captures[1]))
        #expect(first["slow_start_end_frame"] != second["slow_start_end_frame"])
        #expect(abs(first["throughput_mbps"]! - second["throughput_mbps"]!) > 1, "4 against 8 Mbit/s")
    }

    /// A capture without a loss cannot say where slow start ended: said so, not marked wrong.
    @Test func aCaptureWithoutALossCannotBeChecked() throws {
        let facts = try CaptureFacts.load(file: fixturePath("handshake-readings-fin.pcap"))
        let report = try Grader(lab: #require(LabCatalog.lab(11)))
            .grade(AnswerSheet(toml: "slow_start_end_frame = 12\nround1_segments = 1"), against: facts)
        guard case .notInCapture(let why)? = report.results.first(where: { $0.key == "slow_start_end_frame" })?.verdict else {
            Issue.record("slow_start_end_frame: \(String(describing: report.results.first { $0.key == "slow_start_end_frame" }))")
            return
        }
        #expect("\(why)".contains("no retransmission"))
    }
}
