import TestSupport
import Foundation

/// The tshark reference rows of a fixture (Tests/Fixtures/NAME.tshark.tsv): the answers a
/// student would read off Wireshark, found independently of tcplab's own decoder.
struct TsharkFacts {
    let rows: [[String: String]]

    init(_ fixture: String) throws {
        let text = try String(contentsOfFile: fixturePath(fixture + ".tshark.tsv"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        let header = lines[0].split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        rows = lines.dropFirst().map { line in
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(header, cells + Array(repeating: "", count: max(0, header.count - cells.count))))
        }
    }

    var tcp: [[String: String]] { rows.filter { !($0["tcp.srcport"] ?? "").isEmpty } }

    func first(flags: String) -> [String: String]? { tcp.first { $0["tcp.flags"] == flags } }

    func count(_ analysisField: String) -> Int { tcp.filter { !($0[analysisField] ?? "").isEmpty }.count }
}
