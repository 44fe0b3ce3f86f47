import DeviceSimulator
import Foundation
import LabNetwork
import TestSupport
import Testing

/// Lab 5 done as its text says, through the lab network (`tcplab net`): two captures over a 20 ms
/// round trip, one with Nagle on (`--nagle`), one off; then the grader must mark the true answers
/// right and wrong ones wrong, and Nagle must show: far fewer data segments, each held-back batch
/// leaving one round trip after the previous one.
@Suite("Lab 5 over the lab network, as its text says", .serialized)
struct NagleLabWalkthroughTests {
    static let up = "sudo tcplab net up --delay 10ms"
    static let server = "sudo tcplab net exec server -- tcplab serve"
    static let runs = [
        (capture: "sudo tcplab net exec board -- tcplab capture -i lab0 -w lab5-nagle.pcap",
         board: "sudo tcplab net exec board -- tcplab device --host 10.50.0.2 --readings 50 --interval 0.005 --nagle"),
        (capture: "sudo tcplab net exec board -- tcplab capture -i lab0 -w lab5-nodelay.pcap",
         board: "sudo tcplab net exec board -- tcplab device --host 10.50.0.2 --readings 50 --interval 0.005"),
    ]
    static let after = ["tcplab read lab5-nagle.pcap", "tcplab lab answers 5 > lab5-nagle.toml", "tcplab lab answers 5 > lab5-nodelay.toml",
                        "tcplab lab check 5 --pcap lab5-nagle.pcap --answers lab5-nagle.toml",
                        "tcplab lab check 5 --pcap lab5-nodelay.pcap --answers lab5-nodelay.toml", "sudo tcplab net down"]

    @Test("--nagle leaves TCP_NODELAY off with one write per reading; the default and other faults keep it on")
    func nagleOption() {
        var configuration = DeviceConfiguration()
        #expect(configuration.noDelay)
        configuration.nagle = true
        #expect(!configuration.noDelay)
        #expect(configuration.fault == nil, "--nagle is not the println fault")
    }

    @Test("the steps work as written, and the grader checks Nagle's numbers",
          .enabled(if: labNetworkUsable, labNetworkNeeds), .timeLimit(.minutes(2)))
    func stepsWorkAsWritten() throws {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("labs/05-nagle/README.md"), encoding: .utf8)
        for command in [Self.up, Self.server] + Self.runs.flatMap({ [$0.capture, $0.board] }) + Self.after {
            #expect(text.contains(command), "lab 5 no longer says `\(command)`")
        }
        let net = TestLabNetwork()
        defer { net.remove() }
        let up = try net.student(Self.up)
        #expect(up.status == 0 && up.stdout.contains("round trip 20ms"), "\(up.stdout) \(up.stderr)")
        let server = try net.startStudent(Self.server)
        var answers: [String: [String: Double]] = [:]
        for (number, (capture, board)) in Self.runs.enumerated() {
            let terminal2 = try net.startStudent(capture)
            #expect(terminal2.waitFor("capturing on"), "\(terminal2.output)")
            let terminal3 = try net.student(board)
            #expect(terminal3.status == 0, "`\(board)`: \(terminal3.stdout) \(terminal3.stderr)")
            #expect(eventuallyCount(server, "disconnected", number + 1), "\(server.output)")
            usleep(200_000)
            net.stop(terminal2)
            let file = String(capture.split(separator: " ").last!)
            answers[file] = try Self.trueAnswers(net.folder.appendingPathComponent(file).path)
        }
        net.stop(server)

        let nagle = try #require(answers["lab5-nagle.pcap"]), nodelay = try #require(answers["lab5-nodelay.pcap"])
        #expect(nagle["readings_total"] == 50 && nodelay["readings_total"] == 50)
        #expect(try #require(nagle["client_data_segments"]) * 2 < (try #require(nodelay["client_data_segments"])),
                "Nagle on: \(nagle), off: \(nodelay)")
        #expect(try #require(nagle["most_lines_in_one_segment"]) >= 2, "held-back readings travel together")
        // A held-back batch cannot leave before the ACK of the previous one: at least a round trip.
        #expect(try #require(nagle["fourth_segment_wait_ms"]) >= 20, "\(nagle)")

        for step in Self.after.prefix(3) {
            #expect(try net.student(step).status == 0, "`\(step)`")
        }
        for (file, values) in answers {
            let answersFile = net.folder.appendingPathComponent(file.replacingOccurrences(of: ".pcap", with: ".toml"))
            let template = try String(contentsOf: answersFile, encoding: .utf8)
            #expect(values.keys.allSatisfy { template.contains("\($0) = \"\"") }, "the template asks every question")
            // As a student writes them: the ratio to two decimals, times to a tenth of a millisecond.
            let right = values.map { key, value in
                "\(key) = \(key.hasSuffix("_ms") ? String(format: "%.1f", value) : key == "readings_per_segment" ? String(format: "%.2f", value) : String(Int(value)))"
            }.joined(separator: "\n")
            try right.write(to: answersFile, atomically: true, encoding: .utf8)
            let check = try net.student("tcplab lab check 5 --pcap \(file) --answers \(answersFile.lastPathComponent)")
            #expect(check.status == 0 && check.stdout.contains("6 of 6 right"), "\(file):\n\(right)\n\(check.stdout)")

            let wrong = values.map { key, value in "\(key) = \(key.hasSuffix("_ms") ? value + 2 : key == "readings_per_segment" ? value + 0.05 : value + 1)" }
                .joined(separator: "\n")
            try wrong.write(to: answersFile, atomically: true, encoding: .utf8)
            let checkWrong = try net.student("tcplab lab check 5 --pcap \(file) --answers \(answersFile.lastPathComponent)")
            #expect(checkWrong.status == 1 && checkWrong.stdout.contains("0 of 6 right"), "\(file):\n\(wrong)\n\(checkWrong.stdout)")
        }
        let down = try net.student("sudo tcplab net down")
        #expect(down.status == 0 && down.stdout.contains("removed"), "\(down.stdout)")
    }

    @Test("a capture with too few data segments says the timing questions cannot be checked",
          .enabled(if: labNetworkUsable, labNetworkNeeds), .timeLimit(.minutes(1)))
    func tooShortACapture() throws {
        let net = TestLabNetwork()
        defer { net.remove() }
        #expect(try net.tcplab(["net", "up", "--delay", "5ms"]).status == 0)
        _ = try net.captureBoard(["device", "--host", "10.50.0.2", "--readings", "2", "--interval", "0.005", "--nagle"])
        try "fourth_segment_wait_ms = 10\nrtt_before_fourth_segment_ms = 10".write(
            to: net.folder.appendingPathComponent("short.toml"), atomically: true, encoding: .utf8)
        let check = try net.student("tcplab lab check 5 --pcap board.pcap --answers short.toml")
        #expect(check.status == 1, "\(check.stdout)")
        #expect(check.stdout.contains("cannot be checked") && check.stdout.contains("the question needs 4"), "\(check.stdout)")
    }

    /// The answers, found the way a student finds them: from `tcplab read --format json` (the
    /// `RTT:` figure from the note), not from the grader's code.
    static func trueAnswers(_ pcap: String) throws -> [String: Double] {
        let read = try TCPLabBinary.run(["read", pcap, "--format", "json"])
        let rows = try jsonLines(read.stdout)
        let data = rows.filter { ($0["sport"] as? Int) != 5050 && ($0["len"] as? Int ?? 0) > 0
            && !((($0["analysis"] as? [String]) ?? []).contains { $0.contains("retransmission") }) }
        let lines = data.map { row in
            (row["payload_hex"] as? String ?? "").chunked(2).filter { $0 == "0a" }.count
        }
        let readings = lines.reduce(0, +) - 1  // less HELLO
        let time = { (row: [String: Any]) in row["time"] as? Double ?? 0 }
        let fourth = data[3]
        let ack = rows.last { ($0["sport"] as? Int) == 5050 && ($0["frame"] as? Int ?? 0) < (fourth["frame"] as? Int ?? 0)
            && ($0["note"] as? String ?? "").contains("RTT:") }
        let note = ack?["note"] as? String ?? ""
        let rtt = note.range(of: #"[0-9.]+ ms after"#, options: .regularExpression).map { Double(note[$0].split(separator: " ")[0]) ?? -1 } ?? -1
        return ["client_data_segments": Double(data.count), "readings_total": Double(readings),
                "readings_per_segment": Double(readings) / Double(data.count), "most_lines_in_one_segment": Double(lines.max() ?? 0),
                "fourth_segment_wait_ms": (time(fourth) - time(data[2])) * 1000, "rtt_before_fourth_segment_ms": rtt]
    }

    func eventuallyCount(_ terminal: Terminal, _ needle: String, _ count: Int) -> Bool {
        for _ in 0..<1000 {
            if terminal.output.components(separatedBy: needle).count - 1 >= count { return true }
            usleep(20_000)
        }
        return false
    }
}

extension TestLabNetwork {
    /// A command from a lab text, run as the student would, on this test's network: without sudo
    /// (the test is root), `tcplab` as the built binary, `--prefix` after `tcplab net SUB`, in the
    /// working folder. Returns the process and the file a `> FILE` at its end names.
    func studentProcess(_ command: String) -> (ChildProcess, output: String?) {
        var words = command.split(separator: " ").map(String.init)
        if words.first == "sudo" { words.removeFirst() }
        var output: String?
        if let arrow = words.firstIndex(of: ">") {
            output = words[arrow + 1]
            words.removeSubrange(arrow...)
        }
        if words.count >= 3 && words[0] == "tcplab" && words[1] == "net" { words.insert(contentsOf: ["--prefix", prefix], at: 3) }
        let process = ChildProcess()
        process.executableURL = TCPLabBinary.url
        process.arguments = Array(words.dropFirst())
        process.currentDirectoryURL = folder
        return (process, output)
    }

    /// Runs to its end (at most a minute); what it printed goes to the `> FILE` when there is one.
    func student(_ command: String) throws -> ProcessResult {
        let (process, output) = studentProcess(command)
        let terminal = Terminal(process: process, command: command)
        try terminal.start()
        let status = terminal.wait(timeout: 60)
        if let output { try terminal.output.write(to: folder.appendingPathComponent(output), atomically: true, encoding: .utf8) }
        return ProcessResult(status: status, stdout: terminal.output, stderr: terminal.output)
    }

    func startStudent(_ command: String) throws -> Terminal {
        let terminal = Terminal(process: studentProcess(command).0, command: command)
        try terminal.start()
        return terminal
    }
}

extension String {
    fileprivate func chunked(_ size: Int) -> [Substring] {
        var chunks: [Substring] = []
        var start = startIndex
        while start < endIndex {
            let end = index(start, offsetBy: size, limitedBy: endIndex) ?? endIndex
            chunks.append(self[start..<end])
            start = end
        }
        return chunks
    }
}
