import ArgumentParser
import Foundation
import Labs
import SensorProtocol

extension TCPLab.LabCommand {
    struct Grade: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grade a whole class: every student's hand-in under a folder.",
            discussion: prose("""
                DIR holds one folder per student. In it, as the lab texts name them, the capture and the answers: lab1.pcap (or .pcapng) and lab1.toml (or answers.toml); labs 2 and 5 have two pairs each (lab2-split.* and lab2-coalesce.*, lab5-nagle.* and lab5-nodelay.*).

                Prints one row per student, in folder-name order: the folder's name, right, total, score (right ÷ total), the verdict of each question (right, wrong, unanswered, not-checkable), and what was missing or unreadable. CSV by default (for a spreadsheet), or JSON lines with --format json.

                Examples:
                  tcplab lab grade 1 handins/ > lab1-grades.csv
                  tcplab lab grade 2 handins/ --format json | jq -c '{student, score}'
                """))

        enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }

        @OptionGroup var which: LabNumber

        @Argument(help: ArgumentHelp("The folder of hand-ins, one folder per student.", valueName: "dir"))
        var folder: String

        @Option(help: "csv (one row per student, with a header) or json (one object per student per line).")
        var format: Format = .csv

        @Option(parsing: .unconditional, help: "The server's port, when the class does not use 5050.")
        var port = standardPort

        func validate() throws { try checkPort(port) }

        func run() throws {
            let grader = ClassGrader(lab: which.lab.onPort(UInt16(port)))
            let students: [ClassGrader.Student]
            do {
                students = try grader.grade(folder: URL(fileURLWithPath: folder))
            } catch {
                throw CommandFailure("cannot read the hand-ins folder \(folder): \(error.localizedDescription)")
            }
            if students.isEmpty { throw CommandFailure("\(folder) holds no student folders (one folder per student).") }
            let table = ClassGradeTable(lab: grader.lab)
            let text = format == .csv ? table.csv(students) : table.jsonLines(students)
            print(text, terminator: "")
        }
    }
}

/// A class's grades as CSV or JSON lines: one row per student.
struct ClassGradeTable {
    let lab: Lab

    /// Question columns: the key, prefixed by the part when the lab has two (lab2-split:key).
    private var columns: [(part: String, key: String, title: String)] {
        lab.handInParts.flatMap { part in
            lab.questions.map { (part, $0.key, lab.handInParts.count == 1 ? $0.key : "\(part):\($0.key)") }
        }
    }

    private func verdict(_ student: ClassGrader.Student, part: String, key: String) -> String? {
        student.parts.first { $0.name == part }?.report?.results.first { $0.key == key }?.verdict.word
    }

    private static func score(_ student: ClassGrader.Student) -> String { String(format: "%.2f", student.score) }

    func csv(_ students: [ClassGrader.Student]) -> String {
        var text = (["student", "right", "total", "score"] + columns.map(\.title) + ["problems"])
            .map(Self.csvField).joined(separator: ",") + "\n"
        for student in students {
            let cells = [student.name, String(student.right), String(student.total), Self.score(student)]
                + columns.map { verdict(student, part: $0.part, key: $0.key) ?? "" }
                + [student.problems.joined(separator: "; ")]
            text += cells.map(Self.csvField).joined(separator: ",") + "\n"
        }
        return text
    }

    func jsonLines(_ students: [ClassGrader.Student]) -> String {
        students.map { student in
            let verdicts = columns.map { column in
                JSONEscaping.quoted(column.title) + ":"
                    + (verdict(student, part: column.part, key: column.key).map(JSONEscaping.quoted) ?? "null")
            }
            return "{\"student\":\(JSONEscaping.quoted(student.name)),\"right\":\(student.right),\"total\":\(student.total),"
                + "\"score\":\(Self.score(student)),\"verdicts\":{\(verdicts.joined(separator: ","))},"
                + "\"problems\":[\(student.problems.map(JSONEscaping.quoted).joined(separator: ","))]}\n"
        }.joined()
    }

    /// RFC 4180: quoted only when it holds a comma, a quote or a line break.
    private static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
