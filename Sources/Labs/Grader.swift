/// Checks a student's answers against the facts of the student's own capture.
public struct Grader: Sendable {
    public enum Verdict: Sendable, Equatable {
        case right
        case wrong(hint: String)
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
                    verdict = expected.matches(given, tolerance: question.tolerance) ? .right : .wrong(hint: question.hint)
                } else {
                    verdict = .unanswered
                }
            } catch {
                verdict = .notInCapture(MissingEvidence.Description(error))
            }
            return Result(question: question.prompt, key: question.key, verdict: verdict)
        }
        let known = Set(lab.questions.map(\.key))
        return Report(lab: lab, stream: stream.index, results: results,
                      unknownKeys: answers.values.keys.filter { !known.contains($0) }.sorted())
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
