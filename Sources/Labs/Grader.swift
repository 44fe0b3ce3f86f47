/// Checks a student's answers against the facts of the student's own capture.
public struct Grader: Sendable {
    public enum Verdict: Sendable, Equatable {
        case right
        case wrong(hint: String)
        /// The answer is not of the kind the question asks for ("65495 bytes" for a number,
        /// "the client" for client or server): said so, not graded.
        case wrongForm(String)
        /// The answers file has no value for this key.
        case unanswered
        /// The capture lacks the packets the question needs.
        case notInCapture(MissingEvidence.Description)
    }

    public struct Result: Sendable {
        public let question: String
        public let key: String
        public let verdict: Verdict
    }

    public struct Report: Sendable {
        public let lab: Lab
        /// Which stream the answers were checked against, and its endpoints.
        public let stream: Int
        public let results: [Result]
        /// Keys in the answers file that no question asks for (probably mistyped).
        public let unknownKeys: [String]
        /// For each unknown key, the question key it most likely meant, when one is close.
        public let suggestions: [String: String]
        /// The unknown keys are another lab's: its number (said once, not as so many typos).
        public let answersOfLab: Int?

        public var allRight: Bool { results.allSatisfy { $0.verdict == .right } }
        public var rightCount: Int { results.filter { $0.verdict == .right }.count }
    }

    public let lab: Lab

    public init(lab: Lab) { self.lab = lab }

    public func grade(_ answers: AnswerSheet, against facts: CaptureFacts) throws(MissingEvidence) -> Report {
        guard let stream = facts.mainStream(port: lab.port) else {
            let seen = facts.streams.map { "\($0.conversation.client.endpoint) → \($0.conversation.server.endpoint)" }
            throw MissingEvidence(
                "The capture has no TCP connection to port \(lab.port)" + (seen.isEmpty ? " (no TCP at all in \(facts.frames) frames)" : "; it has: " + seen.prefix(5).joined(separator: ", ")),
                howToCapture: "Capture with the default filter (sudo tcplab capture -w lab.pcap) while the board or `tcplab device` talks to the server on port \(lab.port).")
        }
        let results = lab.questions.map { question -> Result in
            let verdict: Verdict
            do throws(MissingEvidence) {
                let expected = try question.expected(stream, facts)
                if let given = answers.values[question.key] {
                    if let problem = Self.formProblem(given, expected: expected) {
                        verdict = .wrongForm(problem)
                    } else {
                        verdict = expected.matches(given, tolerance: question.tolerance, relativeTolerance: question.relativeTolerance) ? .right : .wrong(hint: question.hint)
                    }
                } else {
                    verdict = .unanswered
                }
            } catch {
                verdict = .notInCapture(MissingEvidence.Description(error))
            }
            return Result(question: question.prompt, key: question.key, verdict: verdict)
        }
        let known = Set(lab.questions.map(\.key))
        let unknown = answers.values.keys.filter { !known.contains($0) }.sorted()
        let otherLab = unknown.count >= 2
            ? LabCatalog.all.first { $0.number != lab.number && Set($0.questions.map(\.key)).isSuperset(of: unknown) }?.number
            : nil
        var suggestions: [String: String] = [:]
        for key in unknown {
            let nearest = known.map { ($0, Self.editDistance(key, $0)) }.min { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
            if let (name, distance) = nearest, distance <= max(2, key.count / 4) { suggestions[key] = name }
        }
        return Report(lab: lab, stream: stream.index, results: results, unknownKeys: unknown,
                      suggestions: suggestions, answersOfLab: otherLab)
    }

    /// Words some questions choose among: an answer outside its question's set is the wrong kind.
    private static let wordChoices: [[String]] = [["client", "server"], ["closed", "reset", "refused", "open"]]

    /// What is wrong with the answer's form, or nil when it is the kind of answer asked for.
    static func formProblem(_ given: Answer, expected: Answer) -> String? {
        switch (expected, given) {
        case (.number, .word(let word)):
            return "not a number: \"\(word)\" (write the number alone, as in 1234 or 0.25)"
        case (.word(let right), _):
            guard let choices = wordChoices.first(where: { $0.contains(right) }) else {
                if case .number = given { return "expected a word, not a number" }
                return nil
            }
            if case .word(let word) = given, choices.contains(word) { return nil }
            return "expected " + choices.dropLast().joined(separator: ", ") + " or " + choices.last!
                + ", not \"\(given)\""
        default:
            return nil
        }
    }

    /// Levenshtein distance, for "did you mean" on mistyped keys.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var diagonal = row[0]
            row[0] = i
            for j in 1...b.count {
                let above = row[j]
                row[j] = min(above + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1))
                diagonal = above
            }
        }
        return row[b.count]
    }
}

extension MissingEvidence {
    /// An equatable copy for verdicts.
    public struct Description: Sendable, Equatable {
        public let missing: String
        public let howToCapture: String

        init(_ evidence: MissingEvidence) {
            missing = evidence.missing
            howToCapture = evidence.howToCapture
        }
    }
}
