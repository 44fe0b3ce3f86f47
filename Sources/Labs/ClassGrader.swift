import Foundation

/// `tcplab lab grade N DIR`: every student's hand-in under DIR graded as `lab check` grades one.
///
/// DIR holds a folder per student; in it, for each part of the lab (`Lab.handInParts`), a capture
/// `PART.pcap` (or `.pcapng`) and an answers file `PART.toml` — or `answers.toml` when the lab has
/// one part. A hand-in with a file missing or unreadable gets a row that says which.
public struct ClassGrader: Sendable {
    /// One part of one student's hand-in: its report, or why it could not be graded.
    public struct Part: Sendable {
        public let name: String
        public let report: Grader.Report?
        public let problem: String?
    }

    public struct Student: Sendable {
        /// The folder's name.
        public let name: String
        public let parts: [Part]
        /// Questions answered right, over every part.
        public var right: Int { parts.reduce(0) { $0 + ($1.report?.rightCount ?? 0) } }
        public let total: Int
        public var score: Double { total == 0 ? 0 : Double(right) / Double(total) }
        public var problems: [String] { parts.compactMap(\.problem) }
    }

    public let lab: Lab

    public init(lab: Lab) { self.lab = lab }

    /// One row per student folder under `folder`, by name; throws only when `folder` cannot be read.
    public func grade(folder: URL) throws -> [Student] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { name in
            var isFolder: ObjCBool = false
            return !name.hasPrefix(".")
                && FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path, isDirectory: &isFolder)
                && isFolder.boolValue
        }.sorted { $0.localizedStandardCompare($1) == .orderedAscending }
        return names.map { grade(student: $0, in: folder.appendingPathComponent($0)) }
    }

    func grade(student: String, in folder: URL) -> Student {
        let parts = lab.handInParts.map { part in grade(part: part, in: folder) }
        return Student(name: student, parts: parts, total: lab.questions.count * lab.handInParts.count)
    }

    private func grade(part: String, in folder: URL) -> Part {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        guard let capture = ["\(part).pcap", "\(part).pcapng"].first(where: files.contains) else {
            return Part(name: part, report: nil, problem: "missing \(part).pcap")
        }
        let answerNames = lab.handInParts.count == 1 ? ["\(part).toml", "answers.toml"] : ["\(part).toml"]
        guard let answers = answerNames.first(where: files.contains) else {
            return Part(name: part, report: nil, problem: "missing \(answerNames.joined(separator: " or "))")
        }
        let sheet: AnswerSheet
        do {
            sheet = try AnswerSheet.load(file: folder.appendingPathComponent(answers).path)
        } catch {
            return Part(name: part, report: nil, problem: "\(answers): \(error)")
        }
        do {
            let facts = try CaptureFacts.load(file: folder.appendingPathComponent(capture).path)
            return Part(name: part, report: try Grader(lab: lab).grade(sheet, against: facts), problem: nil)
        } catch let error as MissingEvidence {
            return Part(name: part, report: nil, problem: "\(capture): \(error.missing)")
        } catch {
            return Part(name: part, report: nil, problem: "\(capture): \(error)")
        }
    }
}

extension Grader.Verdict {
    /// One word for a table: right, wrong, wrong-form, unanswered, not-checkable.
    public var word: String {
        switch self {
        case .right: "right"
        case .wrong: "wrong"
        case .wrongForm: "wrong-form"
        case .unanswered: "unanswered"
        case .notInCapture: "not-checkable"
        }
    }
}
