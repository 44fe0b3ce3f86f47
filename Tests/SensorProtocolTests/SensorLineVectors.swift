import Foundation
import Testing

/// One row of `testdata/sensor_lines.tsv`, the vectors the firmware's C++ tests read too.
struct SensorLineVector: CustomTestStringConvertible, Sendable {
    enum Kind: String, Sendable { case valid, invalid, hello }

    let kind: Kind
    let line: [UInt8]
    let lineAsWritten: String
    let seq: UInt32?
    let millis: UInt32?
    let temperature: Double?
    let humidity: Double?
    let canonical: Bool
    /// Reason code for invalid rows, device name for hello rows.
    let reasonOrName: String?

    var testDescription: String { "\(self.kind.rawValue) \(self.lineAsWritten)" }

    static let fileURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("testdata/sensor_lines.tsv")

    static let all: [SensorLineVector] = {
        let text = try! String(contentsOf: fileURL, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: true)
            .filter { !$0.hasPrefix("#") }
            .map { row in
                let columns = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                precondition(columns.count == 8, "sensor_lines.tsv row needs 8 columns: \(row)")
                func value(_ text: String) -> String? { text == "-" ? nil : text }
                return SensorLineVector(
                    kind: Kind(rawValue: columns[0])!,
                    line: unescape(columns[1]),
                    lineAsWritten: columns[1],
                    seq: value(columns[2]).map { UInt32($0)! },
                    millis: value(columns[3]).map { UInt32($0)! },
                    temperature: value(columns[4]).map { Double($0)! },
                    humidity: value(columns[5]).map { Double($0)! },
                    canonical: columns[6] == "yes",
                    reasonOrName: value(columns[7])
                )
            }
    }()

    /// The file's escapes: `\r \n \t \\ \xHH`.
    static func unescape(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var input = Array(text.utf8)[...]
        while let byte = input.popFirst() {
            guard byte == UInt8(ascii: "\\"), let escape = input.popFirst() else {
                bytes.append(byte)
                continue
            }
            switch escape {
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "x"):
                let digits = String(decoding: input.prefix(2), as: UTF8.self)
                input = input.dropFirst(2)
                bytes.append(UInt8(digits, radix: 16)!)
            default:
                bytes.append(contentsOf: [byte, escape])
            }
        }
        return bytes
    }
}

