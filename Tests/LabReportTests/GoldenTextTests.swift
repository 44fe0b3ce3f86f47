import Foundation
import TestSupport
import Testing

/// The annotated text output of every fixture, against the reviewed golden copy
/// (Tests/Fixtures/golden, regenerated on purpose with scripts/update-goldens.sh).
@Suite("Text output matches the reviewed goldens")
struct GoldenTextTests {
    static var captures: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: fixturesDirectory.path)) ?? [])
            .filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted()
    }

    @Test(arguments: captures)
    func textMatchesGolden(capture: String) throws {
        let golden = fixturesDirectory.appendingPathComponent("golden")
            .appendingPathComponent((capture as NSString).deletingPathExtension + ".txt")
        let expected = try String(contentsOf: golden, encoding: .utf8)
        let actual = try readAsText(fixturePath(capture))
        if actual != expected {
            let firstDifference = zip(actual.split(separator: "\n"), expected.split(separator: "\n"))
                .first { $0.0 != $0.1 }
            Issue.record("\(capture) differs from its golden; first different line:\n  got:      \(firstDifference?.0 ?? "")\n  expected: \(firstDifference?.1 ?? "")")
        }
    }
}
