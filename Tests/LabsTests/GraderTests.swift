import TestSupport
import Testing
@testable import Labs

/// Lab answers graded against captures of real traffic, with the right answers taken from
/// tshark's reading of the same capture.
@Suite("Grading against the student's own capture")
struct GraderTests {
    /// Lab 1's answers as a student would read them off Wireshark.
    static func handshakeAnswers(from fixture: String) throws -> String {
        let tshark = try TsharkFacts(fixture)
        let syn = try #require(tshark.first(flags: "0x0002"))
        let synAck = try #require(tshark.first(flags: "0x0012"))
        let firstData = try #require(tshark.tcp.first { $0["tcp.srcport"] == syn["tcp.srcport"] && $0["tcp.len"] != "0" })
        return """
        client_port = \(syn["tcp.srcport"]!)
        server_port = \(syn["tcp.dstport"]!)
        client_isn = \(syn["tcp.seq_raw"]!)
        server_isn = "\(synAck["tcp.seq_raw"]!)"
        synack_ack_raw = \(synAck["tcp.ack_raw"]!)
        client_mss = \(syn["tcp.options.mss_val"]!)
        server_mss = \(synAck["tcp.options.mss_val"]!)
        first_data_len = \(firstData["tcp.len"]!)
        first_data_seq_relative = \(firstData["tcp.seq"]!)
        """
    }

    func grade(_ lab: Int, _ answers: String, _ capture: String) throws -> Grader.Report {
        let facts = try CaptureFacts.load(file: fixturePath(capture))
        return try Grader(lab: #require(LabCatalog.lab(lab))).grade(AnswerSheet(toml: answers), against: facts)
    }

    @Test(arguments: ["handshake-readings-fin", "loopback-ethernet", "ipv6", "cooked-v2", "vlan"])
    func tsharksAnswersToLab1AreAllRight(fixture: String) throws {
        let ext = fixture == "readings" ? "pcapng" : "pcap"
        let report = try grade(1, Self.handshakeAnswers(from: fixture), "\(fixture).\(ext)")
        for result in report.results {
            #expect(result.verdict == .right, "\(fixture): \(result.key)")
        }
        #expect(report.allRight)
        #expect(report.unknownKeys.isEmpty)
    }

    /// Lab 3's round-trip questions, worked by hand from tshark's ack_rtt values of the server's
    /// ACKs of client segments (the SYN's included), as a student would with a calculator.
    @Test func lab3RoundTripAnswersWorkedFromTsharkAreRight() throws {
        let tshark = try TsharkFacts("lwip-like")
        let clientPort = try #require(tshark.first(flags: "0x0002"))["tcp.srcport"]
        let samples = tshark.tcp.filter { $0["tcp.dstport"] == clientPort && !($0["tcp.analysis.ack_rtt"] ?? "").isEmpty }
            .compactMap { Double($0["tcp.analysis.ack_rtt"]!) }.map { $0 * 1000 }
        try #require(samples.count >= 3)
        var estimated = samples[0], deviation = samples[0] / 2
        for sample in samples[1...2] {
            deviation = 0.75 * deviation + 0.25 * abs(estimated - sample)
            estimated = 0.875 * estimated + 0.125 * sample
        }
        let right = "first_rtt_sample_ms = \(samples[0])\nestimated_rtt_third_ms = \(estimated)\ntimeout_third_ms = \(estimated + 4 * deviation)"
        let report = try grade(3, right, "lwip-like.pcap")
        for key in ["first_rtt_sample_ms", "estimated_rtt_third_ms", "timeout_third_ms"] {
            #expect(report.results.first { $0.key == key }?.verdict == .right, "\(key)")
        }
        // The plain mean instead of the moving average, and 2·DevRTT instead of 4, are wrong.
        let mean = samples[0...2].reduce(0, +) / 3
        let wrong = "estimated_rtt_third_ms = \(mean)\ntimeout_third_ms = \(estimated + 2 * deviation)"
        let wrongReport = try grade(3, wrong, "lwip-like.pcap")
        for key in ["estimated_rtt_third_ms", "timeout_third_ms"] {
            guard case .wrong? = wrongReport.results.first(where: { $0.key == key })?.verdict else {
                Issue.record("\(key) should be wrong"); continue
            }
        }
    }

    @Test func answersCopiedFromAnotherCaptureAreWrong() throws {
        let copied = try Self.handshakeAnswers(from: "loopback-ethernet")
        let report = try grade(1, copied, "handshake-readings-fin.pcap")
        let wrong = Set(report.results.filter { if case .wrong = $0.verdict { return true }; return false }.map(\.key))
        #expect(wrong.isSuperset(of: ["client_port", "client_isn", "server_isn", "synack_ack_raw"]))
        #expect(!report.allRight)
        // Same server and the same HELLO length: those stay right, which is fine.
        #expect(report.results.first { $0.key == "server_port" }?.verdict == .right)
    }

    @Test func hintsNeverGiveTheValueAway() throws {
        let facts = try CaptureFacts.load(file: fixturePath("handshake-readings-fin.pcap"))
        let stream = try #require(facts.mainStream(port: 5050))
        for lab in LabCatalog.all {
            for question in lab.questions {
                guard let expected = try? question.expected(stream, facts), case .number(let value) = expected,
                      value >= 100 else { continue }
                #expect(!question.hint.contains(expected.description), "lab \(lab.number) \(question.key)")
            }
        }
    }

    @Test func missingAnswerIsUnansweredAndUnknownKeysAreListed() throws {
        let report = try grade(1, "client_port = \"\"\nclinet_isn = 5", "handshake-readings-fin.pcap")
        #expect(report.results.first { $0.key == "client_port" }?.verdict == .unanswered)
        #expect(report.results.first { $0.key == "client_isn" }?.verdict == .unanswered)
        #expect(report.unknownKeys == ["clinet_isn"])
    }

    @Test func anAnswerOfTheWrongKindIsSaidSoNotMarkedWrong() throws {
        let report = try grade(1, "client_mss = \"65495 bytes\"\nclient_port = true", "handshake-readings-fin.pcap")
        for key in ["client_mss", "client_port"] {
            guard case .wrongForm(let problem) = report.results.first(where: { $0.key == key })?.verdict else {
                Issue.record("\(key) should be 'not a number'"); continue
            }
            #expect(problem.hasPrefix("not a number"))
        }
        let closing = try grade(4, "first_fin_from = \"the client\"", "handshake-readings-fin.pcap")
        #expect(closing.results.first { $0.key == "first_fin_from" }?.verdict == .wrongForm("expected client or server, not \"the client\""))
    }

    @Test func aMistypedKeyGetsTheNearestAndAnotherLabsFileIsSaidOnce() throws {
        let typo = try grade(1, "client_mms = 1460", "handshake-readings-fin.pcap")
        #expect(typo.suggestions["client_mms"] == "client_mss")
        let lab1Keys = try #require(LabCatalog.lab(1)).questions.map { "\($0.key) = 1" }.joined(separator: "\n")
        let asLab2 = try grade(2, lab1Keys, "handshake-readings-fin.pcap")
        #expect(asLab2.answersOfLab == 1)
    }

    @Test func aFirstDataSegmentNotCapturedCannotBeChecked() throws {
        // handshake-readings-fin.pcap without frame 6, the HELLO: the next segment is not the first.
        let report = try grade(1, "first_data_len = 18\nfirst_data_seq_relative = 1", "labs/hello-not-captured.pcap")
        for key in ["first_data_len", "first_data_seq_relative"] {
            guard case .notInCapture(let missing) = report.results.first(where: { $0.key == key })?.verdict else {
                Issue.record("\(key) graded against the reading after the missing HELLO"); continue
            }
            #expect(missing.missing.contains("lacks client bytes 1–18"), "\(missing.missing)")
        }
    }

    @Test func aRatioIsCheckedAgainstTheExactValueNotARoundedOne() throws {
        // 5 readings in 6 data segments: 0.8333…; 0.83 and 0.84 are both within 0.01, 0.82 is not
        // (against a value rounded first to 0.83, it was).
        for (answer, right) in [("0.83", true), ("0.84", true), ("0.82", false)] {
            let report = try grade(5, "readings_per_segment = \(answer)", "handshake-readings-fin.pcap")
            #expect((report.results.first { $0.key == "readings_per_segment" }?.verdict == .right) == right, "\(answer)")
        }
    }

    @Test func captureStartedMidConnectionSaysTheSYNIsMissing() throws {
        let report = try grade(1, "client_isn = 1", "mid-connection.pcap")
        guard case .notInCapture(let missing) = report.results.first(where: { $0.key == "client_isn" })?.verdict else {
            Issue.record("client_isn should be not-in-capture"); return
        }
        #expect(missing.missing.contains("no SYN"))
        #expect(missing.howToCapture.contains("tcplab capture"))
        // The port is still known without a handshake.
        let tshark = try TsharkFacts("mid-connection")
        let port = try #require(tshark.tcp.first { $0["tcp.dstport"] == "5050" }?["tcp.srcport"])
        let right = try grade(1, "client_port = \(port)", "mid-connection.pcap")
        #expect(right.results.first { $0.key == "client_port" }?.verdict == .right)
    }

    @Test func captureWithoutTheLabsPortSaysWhatItHas() throws {
        let facts = try CaptureFacts.load(file: fixturePath("handshake-readings-fin.pcap"))
        let lab = Lab(number: 99, folder: "x", title: "x", port: 8080, questions: LabCatalog.all[0].questions)
        #expect(throws: MissingEvidence.self) { try Grader(lab: lab).grade(AnswerSheet(values: [:]), against: facts) }
        do {
            _ = try Grader(lab: lab).grade(AnswerSheet(values: [:]), against: facts)
        } catch {
            #expect(error.missing.contains("no TCP connection to port 8080"))
            #expect(error.missing.contains(":5050"))
        }
    }

    @Test func lossLabCountsAgreeWithTshark() throws {
        let tshark = try TsharkFacts("loss")
        let answers = """
        retransmissions = \(tshark.count("tcp.analysis.retransmission"))
        fast_retransmissions = \(tshark.count("tcp.analysis.fast_retransmission"))
        duplicate_acks = \(tshark.count("tcp.analysis.duplicate_ack"))
        first_retransmission_frame = \(tshark.tcp.first { !($0["tcp.analysis.retransmission"] ?? "").isEmpty }?["frame.number"] ?? "0")
        """
        #expect(tshark.count("tcp.analysis.retransmission") > 0, "the loss fixture has retransmissions")
        let report = try grade(7, answers, "loss.pcap")
        for result in report.results { #expect(result.verdict == .right, "\(result.key)") }
    }

    @Test func closingLabOnARefusedConnection() throws {
        let report = try grade(4, "ending = \"Refused\"\nfirst_fin_from = \"client\"", "refused.pcap")
        #expect(report.results.first { $0.key == "ending" }?.verdict == .right)
        guard case .notInCapture = report.results.first(where: { $0.key == "first_fin_from" })?.verdict else {
            Issue.record("a refused connection has no FIN"); return
        }
    }

    @Test func keepaliveLabGivesNoMarksForALab6Capture() throws {
        // tshark flags lab 6's zero-window probes keep_alive; they probe a closed window, not an idle connection.
        let report = try grade(9, "keepalive_probes = 3\nkeepalive_acks = 3", "zero-window.pcap")
        for key in ["keepalive_probes", "keepalive_acks"] {
            guard case .notInCapture(let missing) = report.results.first(where: { $0.key == key })?.verdict else {
                Issue.record("\(key) graded on zero-window probes"); continue
            }
            #expect(missing.missing.contains("closed window"), "\(missing)")
        }
        let real = try grade(9, "keepalive_probes = 3\nkeepalive_acks = 3", "keepalive.pcap")
        #expect(real.results.filter { $0.key != "keepalive_interval_seconds" }.allSatisfy { $0.verdict == .right })
    }

    @Test func flowControlLabOnTheZeroWindowCapture() throws {
        let tshark = try TsharkFacts("zero-window")
        let zero = tshark.tcp.filter { !($0["tcp.analysis.zero_window"] ?? "").isEmpty }
        #expect(!zero.isEmpty)
        let answers = """
        zero_window_segments = \(zero.count)
        first_zero_window_frame = \(zero[0]["frame.number"]!)
        window_updates = \(tshark.count("tcp.analysis.window_update"))
        """
        let report = try grade(6, answers, "zero-window.pcap")
        for result in report.results { #expect(result.verdict == .right, "\(result.key)") }
    }

    @Test func readingsLabsCountTheLinesInTheClientBytes() throws {
        let tshark = try TsharkFacts("handshake-readings-fin")
        let clientPort = try #require(tshark.first(flags: "0x0002")?["tcp.srcport"])
        var bytes: [UInt8] = []
        for row in tshark.tcp where row["tcp.srcport"] == clientPort {
            let hex = Array(row["tcp.payload"] ?? "")
            for index in stride(from: 0, to: hex.count, by: 2) {
                bytes.append(UInt8(String(hex[index...index + 1]), radix: 16)!)
            }
        }
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\r\n")
        let readings = lines.filter { !$0.hasPrefix("HELLO") }.count
        #expect(readings > 0)
        let report = try grade(2, "readings_total = \(readings)", "handshake-readings-fin.pcap")
        #expect(report.results.first { $0.key == "readings_total" }?.verdict == .right)
        let name = try #require(lines.first { $0.hasPrefix("HELLO ") }).dropFirst(6)
        let dissector = try grade(10, "device_name = \"\(name.uppercased())\"", "handshake-readings-fin.pcap")
        #expect(dissector.results.first { $0.key == "device_name" }?.verdict == .right)
    }
}

extension GraderTests {
    /// zero-window.pcap has client segments of up to 1448 bytes carrying dozens of readings each:
    /// lab 2's per-segment counts must see every byte, as tshark does.
    @Test func byteStreamLabCountsWholeSegments() throws {
        let tshark = try TsharkFacts("zero-window")
        var most = 0, midLine = 0
        for row in tshark.tcp where row["tcp.dstport"] == "5050" && row["tcp.len"] != "0" {
            let hex = Array(row["tcp.payload"] ?? "")
            let bytes = stride(from: 0, to: hex.count, by: 2).map { UInt8(String(hex[$0...$0 + 1]), radix: 16)! }
            most = max(most, bytes.filter { $0 == 10 }.count)
            if (row["tcp.analysis.retransmission"] ?? "").isEmpty && bytes.last != 10 { midLine += 1 }
        }
        #expect(most > 20, "the fixture has segments carrying many readings")
        let report = try grade(2, "most_newlines_in_one_segment = \(most)\nsegments_ending_mid_line = \(midLine)", "zero-window.pcap")
        #expect(report.results.first { $0.key == "most_newlines_in_one_segment" }?.verdict == .right)
        #expect(report.results.first { $0.key == "segments_ending_mid_line" }?.verdict == .right)
    }
}
