import Foundation
import TestSupport
import Testing

/// `tcplab lab` as a student meets it: the template, a graded hand-in, and the exit code.
@Suite("Command line: tcplab lab")
struct LabCommandTests {
    func temporaryFile(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-answers-\(UUID().uuidString).toml")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func listShowsEveryLab() throws {
        let result = try TCPLabBinary.run(["lab", "list"])
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").filter { $0.hasSuffix("questions") }.count >= 8)
        #expect(result.stdout.contains("The handshake"))
    }

    @Test func aFilledInTemplateIsGradedAndTheExitCodeSaysAllRight() throws {
        let template = try TCPLabBinary.run(["lab", "answers", "1"])
        #expect(template.status == 0)
        // Fill in the template the way a student would, from tshark's reading of the capture.
        let tshark = try String(contentsOfFile: fixture("handshake-readings-fin.tshark.tsv"), encoding: .utf8)
        let rows = tshark.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        let header = rows[0]
        func column(_ name: String) -> Int { header.firstIndex(of: name)! }
        let syn = rows.first { $0.count > column("tcp.flags") && $0[column("tcp.flags")] == "0x0002" }!
        let synAck = rows.first { $0.count > column("tcp.flags") && $0[column("tcp.flags")] == "0x0012" }!
        let data = rows.first { $0.count > column("tcp.len") && $0[column("tcp.len")] != "0" && $0[column("tcp.len")] != "" && $0[column("tcp.srcport")] == syn[column("tcp.srcport")] }!
        let values = [
            "client_port": syn[column("tcp.srcport")], "server_port": syn[column("tcp.dstport")],
            "client_isn": syn[column("tcp.seq_raw")], "server_isn": synAck[column("tcp.seq_raw")],
            "synack_ack_raw": synAck[column("tcp.ack_raw")], "client_mss": syn[column("tcp.options.mss_val")],
            "server_mss": synAck[column("tcp.options.mss_val")], "first_data_len": data[column("tcp.len")],
            "first_data_seq_relative": data[column("tcp.seq")],
        ]
        var filled = template.stdout
        for (key, value) in values { filled = filled.replacingOccurrences(of: "\(key) = \"\"", with: "\(key) = \(value)") }
        let answers = try temporaryFile(filled)
        defer { try? FileManager.default.removeItem(atPath: answers) }
        let right = try TCPLabBinary.run(["lab", "check", "1", "--pcap", fixture("handshake-readings-fin.pcap"), "--answers", answers, "--color", "never"])
        #expect(right.status == 0, "\(right.stdout)\(right.stderr)")
        #expect(right.stdout.contains("9 of 9 right"))

        let wrong = try temporaryFile(filled.replacingOccurrences(of: "client_isn = \(values["client_isn"]!)", with: "client_isn = 0"))
        defer { try? FileManager.default.removeItem(atPath: wrong) }
        let result = try TCPLabBinary.run(["lab", "check", "1", "--pcap", fixture("handshake-readings-fin.pcap"), "--answers", wrong, "--color", "never"])
        #expect(result.status == 1)
        let line = result.stdout.split(separator: "\n").first { $0.contains("client_isn") }.map(String.init) ?? ""
        #expect(line.contains("wrong"))
        #expect(line.contains("SYN"), "the hint says where to look")
        #expect(result.stdout.contains("8 of 9 right"))
    }

    @Test func brokenAnswersFileNamesTheLine() throws {
        let answers = try temporaryFile("client_port = 1\nclient_isn = \n")
        defer { try? FileManager.default.removeItem(atPath: answers) }
        let result = try TCPLabBinary.run(["lab", "check", "1", "--pcap", fixture("handshake-readings-fin.pcap"), "--answers", answers])
        #expect(result.status == 1)
        #expect(result.stderr.contains("line 2"))
        #expect(!result.stderr.contains("Backtrac"))
    }

    @Test func captureOfAnotherPortSaysWhatIsMissing() throws {
        let answers = try temporaryFile("client_port = 1\n")
        defer { try? FileManager.default.removeItem(atPath: answers) }
        let result = try TCPLabBinary.run(["lab", "check", "1", "--pcap", fixture("handshake-readings-fin.pcap"),
                                           "--answers", answers, "--port", "6000"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no TCP connection to port 6000"))
        #expect(result.stderr.contains("10.55.0.1:5050"), "it says which connections the capture does have")
        #expect(result.stderr.contains("tcplab capture"), "and how to capture again")
        let noSuchLab = try TCPLabBinary.run(["lab", "check", "42", "--pcap", "x", "--answers", answers])
        #expect(noSuchLab.status == 64)
        #expect(noSuchLab.stderr.contains("there is no lab 42"))
    }
}
