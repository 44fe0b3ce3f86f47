/// One guided exercise: what it is about, where its text lives, and the questions the grader
/// checks against the student's own capture.
public struct Lab: Sendable {
    public let number: Int
    /// The folder under `labs/`, e.g. "01-handshake".
    public let folder: String
    public let title: String
    /// The port the lab's connection goes to (the sensor server's).
    public let port: UInt16
    public let questions: [Question]

    public init(number: Int, folder: String, title: String, port: UInt16 = 5050, questions: [Question]) {
        self.number = number
        self.folder = folder
        self.title = title
        self.port = port
        self.questions = questions
    }

    /// The names of a hand-in's files, without extension, as the lab text asks for them:
    /// `lab1` (lab1.pcap + lab1.toml), or two pairs for the labs that compare two captures.
    public var handInParts: [String] {
        switch number {
        case 2: ["lab2-split", "lab2-coalesce"]
        case 5: ["lab5-nagle", "lab5-nodelay"]
        default: ["lab\(number)"]
        }
    }

    /// The same lab for a server on another port (a class that runs `tcplab serve --port N`).
    public func onPort(_ port: UInt16) -> Lab {
        Lab(number: number, folder: folder, title: title, port: port, questions: questions)
    }
}

/// A question whose right answer comes from the capture, so answers cannot be copied between
/// students: their ports, ISNs and timings differ.
public struct Question: Sendable {
    /// The key in the answers file.
    public let key: String
    public let prompt: String
    /// Shown when the answer is wrong: where to look and what to think about, never the value.
    public let hint: String
    /// How far a numeric answer may be off (timings); 0 = exact.
    public let tolerance: Double
    /// ... or this fraction of the right value, when that is more (values read off rounded output).
    public let relativeTolerance: Double
    /// The right answer for this capture, or a `MissingEvidence` saying what the capture lacks.
    public let expected: @Sendable (CaptureFacts.StreamFacts, CaptureFacts) throws(MissingEvidence) -> Answer

    public init(_ key: String, _ prompt: String, hint: String, tolerance: Double = 0, relativeTolerance: Double = 0,
                expected: @escaping @Sendable (CaptureFacts.StreamFacts, CaptureFacts) throws(MissingEvidence) -> Answer) {
        self.key = key
        self.prompt = prompt
        self.hint = hint
        self.tolerance = tolerance
        self.relativeTolerance = relativeTolerance
        self.expected = expected
    }
}

/// An answer: a number or a word. Numbers compare as numbers ("0x10" and "16" are equal, so are
/// "1.50" and "1.5"); words compare without regard to case or surrounding spaces.
public enum Answer: Equatable, Sendable, CustomStringConvertible {
    case number(Double)
    case word(String)

    public init(parsing text: String) {
        let trimmed = text.trimmingSpaces
        if trimmed.lowercased().hasPrefix("0x"), let value = UInt64(trimmed.dropFirst(2), radix: 16) {
            self = .number(Double(value))
        } else if let value = Double(trimmed) {
            self = .number(value)
        } else {
            self = .word(trimmed.lowercased())
        }
    }

    public static func int<T: BinaryInteger>(_ value: T) -> Answer { .number(Double(value)) }

    /// Numbers within `tolerance`, or within `relativeTolerance` of the right value (self), count
    /// as equal (timings).
    public func matches(_ given: Answer, tolerance: Double = 0, relativeTolerance: Double = 0) -> Bool {
        switch (self, given) {
        case (.number(let a), .number(let b)): return abs(a - b) <= max(tolerance, relativeTolerance * abs(a), 1e-9)
        case (.word(let a), .word(let b)): return a == b
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .number(let value):
            return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .word(let word): return word
        }
    }
}

/// The capture does not hold what a question needs: say what is missing and how to capture it.
public struct MissingEvidence: Error, Sendable, CustomStringConvertible {
    public let missing: String
    public let howToCapture: String

    public init(_ missing: String, howToCapture: String) {
        self.missing = missing
        self.howToCapture = howToCapture
    }

    public var description: String { "\(missing). \(howToCapture)" }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }
}
