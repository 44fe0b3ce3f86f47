import Foundation
import TOMLKit

/// A student's answers: a flat TOML file of `key = value`.
public struct AnswerSheet: Sendable {
    public let values: [String: Answer]

    public init(values: [String: Answer]) { self.values = values }

    /// Parses the TOML text; an error names the line and column.
    public init(toml text: String) throws(AnswerSheetError) {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw AnswerSheetError.syntax(line: error.source.begin.line, column: error.source.begin.column,
                                          detail: error.description)
        } catch {
            throw AnswerSheetError.syntax(line: 0, column: 0, detail: "\(error)")
        }
        var values: [String: Answer] = [:]
        for (key, value) in table {
            if let number = value.int {
                values[key] = .int(number)
            } else if let number = value.double {
                values[key] = .number(number)
            } else if let text = value.string {
                // The template's "" means the question has not been answered yet.
                if text.trimmingSpaces.isEmpty { continue }
                values[key] = Answer(parsing: text)
            } else if let flag = value.bool {
                values[key] = .word(flag ? "true" : "false")
            } else {
                throw AnswerSheetError.notFlat(key: key)
            }
        }
        self.values = values
    }

    /// The file a student fills in: every key with its question as a comment.
    public static func template(for lab: Lab) -> String {
        var text = "# Lab \(lab.number): \(lab.title)\n"
        text += "# Answer from YOUR capture, then: tcplab lab check \(lab.number) --pcap YOUR.pcap --answers THIS_FILE\n"
        text += "# Numbers as numbers (1234), words in quotes (\"client\"); \"\" = not answered yet.\n"
        for question in lab.questions {
            text += "\n# \(question.prompt)\n\(question.key) = \"\"\n"
        }
        return text
    }
}

extension AnswerSheet {
    /// A student's answers file, read as `lab check` and `lab grade` read it: the mistakes students
    /// make (a capture given as the answers, a binary file, bad TOML) are said plainly.
    public static func load(file path: String) throws(AnswerSheetError) -> AnswerSheet {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(reason: FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")
        }
        let captureMagics: [[UInt8]] = [[0xd4, 0xc3, 0xb2, 0xa1], [0xa1, 0xb2, 0xc3, 0xd4], [0x4d, 0x3c, 0xb2, 0xa1],
                                        [0xa1, 0xb2, 0x3c, 0x4d], [0x0a, 0x0d, 0x0d, 0x0a]]
        if captureMagics.contains(where: { data.prefix(4).elementsEqual($0) }) { throw .isCapture }
        guard let text = String(data: data, encoding: .utf8) else { throw .notText }
        return try AnswerSheet(toml: text)
    }
}

public enum AnswerSheetError: Error, Sendable, CustomStringConvertible {
    case syntax(line: Int, column: Int, detail: String)
    case notFlat(key: String)
    case unreadable(reason: String)
    /// A capture given where the answers belong (`--pcap` and `--answers` swapped).
    case isCapture
    case notText

    /// TOMLKit's message, in words a student can act on where one is known.
    static func plain(_ detail: String) -> String {
        if detail.contains("unescaped control characters") {
            return "an invisible control character (often from copying and pasting) is inside a value; delete the value and type it again"
        }
        if let range = detail.range(of: "cannot redefine existing ") {
            let rest = detail[range.upperBound...]
            let key = rest.split(separator: "'").dropFirst().first.map(String.init) ?? String(rest)
            return "the key '\(key)' appears twice; keep one line for it"
        }
        if detail.contains("could not determine value type") {
            return "the value is neither a number nor a word in quotes"
        }
        return "not valid TOML (\(detail))"
    }

    public var description: String {
        switch self {
        case .syntax(let line, let column, let detail):
            return "line \(line), column \(column): \(Self.plain(detail)). Each line should read `key = value` (words in quotes)."
        case .unreadable(let reason):
            return "the answers file cannot be read: \(reason)"
        case .isCapture:
            return "it is a capture, not an answers file: did you swap --pcap and --answers? (--pcap YOUR.pcap --answers YOUR.toml)"
        case .notText:
            return "it is not a text file; the answers file is the template from `tcplab lab answers N`, filled in"
        case .notFlat(let key):
            return "'\(key)' is a table or a list; the answers file is flat: one `key = number` or `key = \"word\"` per line."
        }
    }
}
