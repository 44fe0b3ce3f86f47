import Foundation
import Labs
import TestSupport
import Testing

/// `tcplab lab grade N DIR`: a folder of hand-ins in, a row per student out.
@Suite("tcplab lab grade: a whole class")
struct ClassGradeTests {
    /// The right answers to lab 1 for a capture, as TOML (from the grader's own facts: what is
    /// tested here is the class run, the files and the table, not the answers themselves).
    func rightAnswers(lab: Lab, capture: String) throws -> String {
        let facts = try CaptureFacts.load(file: capture)
        let stream = try #require(facts.mainStream(port: lab.port))
        return try lab.questions.map { question in
            switch try question.expected(stream, facts) {
            case .number(let value): "\(question.key) = \(value)"
            case .word(let word): "\(question.key) = \"\(word)\""
            }
        }.joined(separator: "\n") + "\n"
    }

    @Test("one row per student: all right, blank, a capture missing, an answers file broken")
    func gradesAFolderOfHandIns() throws {
        let lab = try #require(LabCatalog.lab(1))
        let capture = fixturePath("handshake-readings-fin.pcap")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-class-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        func hand(_ student: String, _ files: [String: String]) throws {
            let dir = folder.appendingPathComponent(student)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for (name, text) in files { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
            if student != "cem" { try FileManager.default.copyItem(atPath: capture, toPath: dir.appendingPathComponent("lab1.pcap").path) }
        }
        try hand("ana", ["answers.toml": try rightAnswers(lab: lab, capture: capture)])
        try hand("ben", ["lab1.toml": AnswerSheet.template(for: lab)])
        try hand("cem", ["lab1.toml": "client_port = 1\n"])
        try hand("dan", ["lab1.toml": "client_port = = 3\n"])

        let csv = try TCPLabBinary.run(["lab", "grade", "1", folder.path])
        #expect(csv.status == 0, "\(csv.stderr)")
        let rows = csv.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.count == 5)
        #expect(rows[0].prefix(4) == ["student", "right", "total", "score"])
        #expect(rows[0].count == 4 + lab.questions.count + 1)
        #expect(rows.dropFirst().map { $0[0] } == ["ana", "ben", "cem", "dan"])
        #expect(rows[1].prefix(4) == ["ana", "9", "9", "1.00"])
        #expect(rows[1][4..<13].allSatisfy { $0 == "right" })
        #expect(rows[2].prefix(4) == ["ben", "0", "9", "0.00"])
        #expect(rows[2][4..<13].allSatisfy { $0 == "unanswered" })
        #expect(rows[3].last == "missing lab1.pcap")
        #expect(csv.stdout.contains("dan,0,9,0.00") && csv.stdout.contains("lab1.toml: line 1, column 15: the value is neither a number nor a word in quotes"))

        let json = try TCPLabBinary.run(["lab", "grade", "1", folder.path, "--format", "json"])
        let objects = try jsonLines(json.stdout)
        #expect(objects.map { $0["student"] as? String } == ["ana", "ben", "cem", "dan"])
        #expect(objects[0]["right"] as? Int == 9)
        #expect((objects[2]["problems"] as? [String]) == ["missing lab1.pcap"])
    }
}

/// The mistakes students make with `lab check`'s two files, said so they can act on them.
@Suite("tcplab lab check: the answers file and the capture, mistaken")
struct AnswerFileMistakeTests {
    func check(pcap: String, answers: String) throws -> TCPLabBinary.Result {
        try TCPLabBinary.run(["lab", "check", "1", "--pcap", pcap, "--answers", answers])
    }

    func answersFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-answers-\(UUID().uuidString).toml").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func swappedFilesAreSaidToBeSwapped() throws {
        let answers = try answersFile("client_port = 1\n")
        defer { try? FileManager.default.removeItem(atPath: answers) }
        let capture = fixturePath("handshake-readings-fin.pcap")
        let swapped = try check(pcap: answers, answers: capture)
        #expect(swapped.status == 1)
        #expect(swapped.stderr.contains("is a capture, not an answers file: did you swap --pcap and --answers?"), "\(swapped.stderr)")
    }

    @Test func textGivenAsTheCaptureIsSaidToBeText() throws {
        let answers = try answersFile("client_port = 1\n")
        defer { try? FileManager.default.removeItem(atPath: answers) }
        let result = try check(pcap: answers, answers: answers)
        #expect(result.status == 1)
        #expect(result.stderr.contains("it is text (\"clie…\"), not a capture: an answers file?"), "\(result.stderr)")
    }

    @Test(arguments: [("client_port = \"12\u{01}\"\n", "an invisible control character"),
                      ("client_port = 1\nclient_port = 2\n", "the key 'client_port' appears twice"),
                      ("client_port = = 3\n", "the value is neither a number nor a word in quotes")])
    func tomlMistakesInPlainWords(text: String, message: String) throws {
        let answers = try answersFile(text)
        defer { try? FileManager.default.removeItem(atPath: answers) }
        let result = try check(pcap: fixturePath("handshake-readings-fin.pcap"), answers: answers)
        #expect(result.status == 1)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!result.stderr.contains("explicitly prohibited"))
    }
}
